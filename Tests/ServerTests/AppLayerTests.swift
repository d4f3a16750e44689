import EdgeRuntime
import EdgeTesting
import Testing

/// The app layer through the real router: one declaration, applied to every response of the group.
@Suite struct AppLayerTests {
    struct DemoApp: EdgeApp {
        func policy(_ env: Environment) -> AppPolicy {
            AppPolicy(
                cors: CORS(origins: .init(parsing: env["ORIGINS"]), allowMethods: "GET, POST", allowHeaders: "x-key",
                           allowCredentials: env.bool("CREDENTIALS")),
                preflightStatus: .ok,
                credentials: [
                    "key": .header("x-key", equals: env["KEY"], whenUnset: .admitAll),
                    "admin": .bearer(equals: env["ADMIN"], whenUnset: .rejectAll),
                ],
                defaultCredential: "key",
                errors: ErrorShape { $0.code == "payload_too_large" ? "Too big" : nil },
                logFields: { request in [("tenant", request.headers[HTTPField.Name("x-tenant")!] ?? "-")] }
            )
        }
    }

    /// Echoes; `?fail=1` throws after noting a header and a log field; `?admin=1` checks `admin` itself.
    struct Work: EdgeFunction {
        static let methods: HTTPMethods = [.get, .post]
        func handle(_ request: Request, context: Context) async throws -> Response {
            context.setResponseHeader(HTTPField.Name("x-quota")!, "7")
            context.logField("step", "handled")
            if request.query["admin"] == "1" { try context.authorize("admin") }
            if request.query["fail"] == "1" { throw HTTPError(.conflict, code: "busy", message: "Busy now") }
            if request.query["extra"] == "1" {
                throw HTTPError(.badGateway, code: "tip_menu_unavailable", message: "No origin", error: "Tip menu unavailable",
                                extra: ["ok": false, "code": "never"], rawMembers: [("state", Array(#"{"b":1.50,"a":[]}"#.utf8))])
            }
            if request.method == .post { _ = try await request.bytes() }
            return .text("ok")
        }
    }

    struct Open: EdgeFunction {
        static let methods: HTTPMethods = [.get]
        static let auth: RouteAuth = .none
        func handle(_ request: Request, context: Context) async throws -> Response { .text("open") }
    }

    struct Sleepy: EdgeFunction {
        static let auth: RouteAuth = .none
        func handle(_ request: Request, context: Context) async throws -> Response {
            try await Task.sleep(for: .seconds(30))
            return .text("late")
        }
    }

    static let routes = [
        RouteDescriptor("/work", file: "Functions/(demo)/work/Work.swift", Work.self),
        RouteDescriptor("/open", file: "Functions/(demo)/open/Open.swift", Open.self),
        RouteDescriptor("/sleepy", file: "Functions/(demo)/sleepy/Sleepy.swift", Sleepy.self),
        RouteDescriptor("/plain", file: "Functions/plain/Plain.swift", Open.self),
    ]
    static let apps = [AppDescriptor("demo", file: "Functions/(demo)/_app/DemoApp.swift", DemoApp.self)]
    static let limits = #"{"functions":{"Functions/(demo)/work/*.swift":{"maxRequestBodySize":8},"Functions/(demo)/sleepy/*.swift":{"maxDuration":1}}}"#

    func client(_ env: [String: String]) throws -> TestClient {
        try TestClient(routes: Self.routes, apps: Self.apps, config: Self.limits, env: env)
    }

    @Test func corsOnEveryKindOfResponse() async throws {
        let c = try client(["DEMO__ORIGINS": "https://a.example", "DEMO__KEY": "k"])
        let origin = ["origin": "https://a.example"]
        let answers = [
            await c.send(.get, "/work", headers: origin.merging(["x-key": "k"]) { a, _ in a }),              // 200
            await c.send(.get, "/work?fail=1", headers: origin.merging(["x-key": "k"]) { a, _ in a }),       // thrown 409
            await c.send(.get, "/work", headers: origin),                                                    // 401
            await c.send(.delete, "/work", headers: origin),                                                 // 405
            await c.send(.post, "/work", headers: origin.merging(["x-key": "k", "content-length": "100"]) { a, _ in a }, body: Array(repeating: 1, count: 100)),  // 413
            await c.send(.options, "/work", headers: origin),                                                // preflight
        ]
        #expect(answers.map(\.status) == [200, 409, 401, 405, 413, 200])
        for r in answers {
            #expect(r.header("access-control-allow-origin") == "https://a.example", "status \(r.status)")
            #expect(r.header("vary") == "Origin")
            #expect(r.header("access-control-allow-methods") == "GET, POST")
            #expect(r.app == "demo")
        }
        let other = await c.send(.get, "/open", headers: ["origin": "https://evil.example"])
        #expect(other.status == 200 && other.header("access-control-allow-origin") == nil, "unlisted origins are not echoed")
        let outside = await c.send(.get, "/plain", headers: origin)
        #expect(outside.header("access-control-allow-origin") == nil && outside.app == nil, "routes outside the group get none")
    }

    /// The fixed fields are built once; on a response that has none of them they are appended, and a
    /// field the handler set itself is replaced, as a subscript write would.
    @Test func corsFieldsAreAddedOnceAndReplaceTheHandlers() {
        var cors = CORS(origins: .any, allowMethods: "GET", allowHeaders: "x-a", exposeHeaders: "x-b", maxAge: 60)
        var plain = Response.text("hi")
        cors.apply(to: &plain, origin: "https://o.example")
        #expect(plain.headers.map(\.name.canonicalName) == ["content-type", "access-control-allow-origin", "access-control-allow-methods",
                                                           "access-control-allow-headers", "access-control-expose-headers", "access-control-max-age"])
        #expect(plain.headers.map(\.value) == ["text/plain; charset=utf-8", "*", "GET", "x-a", "x-b", "60"])
        var own = Response.text("hi", headers: [.accessControlAllowMethods: "PUT", .accessControlMaxAge: "1"])
        cors.apply(to: &own, origin: nil)
        #expect(own.headers[values: .accessControlAllowMethods] == ["GET"])
        #expect(own.headers[values: .accessControlMaxAge] == ["60"])
        #expect(own.headers[values: .accessControlAllowHeaders] == ["x-a"])
        cors.allowMethods = "POST"
        cors.allowCredentials = true
        var changed = Response.text("hi")
        cors.apply(to: &changed, origin: "https://o.example")
        #expect(changed.headers[.accessControlAllowMethods] == "POST")
        #expect(changed.headers[.accessControlAllowCredentials] == "true")
        #expect(changed.headers[.accessControlAllowOrigin] == "https://o.example" && changed.headers[.vary] == "Origin")
    }

    @Test func timeoutIsInTheAppsShapeWithCORS() async throws {
        let r = await (try client([:])).send(.get, "/sleepy", headers: ["origin": "https://b.example"])
        #expect(r.status == 504)
        #expect(r.code == "function_timeout")
        #expect(r.header("access-control-allow-origin") == "*")
    }

    /// What a cron's lease hold limit is computed from: the serving function's `maxDuration`, by path.
    @Test func maxDurationIsFoundByTheServedPath() throws {
        let app = try client([:]).app
        #expect(app.maxDuration(servingPath: "/sleepy") == .seconds(1))
        #expect(app.maxDuration(servingPath: "/sleepy?x=1") == .seconds(1))
        #expect(app.maxDuration(servingPath: "/open") == .seconds(EdgeLimits.defaultMaxDuration), "the default when none is set")
        #expect(app.maxDuration(servingPath: "/no-such-route") == nil)
    }

    @Test func credentialsNeverGoWithAStar() async throws {
        let r = await (try client(["DEMO__CREDENTIALS": "1"])).send(.get, "/open", headers: ["origin": "https://c.example"])
        #expect(r.header("access-control-allow-origin") == "https://c.example")
        #expect(r.header("access-control-allow-credentials") == "true")
    }

    @Test func credentialsFailClosedOrOpenAsDeclared() async throws {
        let open = try client([:])  // KEY unset: admitAll; ADMIN unset: rejectAll
        #expect(await open.send(.get, "/work").status == 200)
        let admin = await open.send(.get, "/work?admin=1", headers: ["authorization": "Bearer "])
        #expect(admin.status == 401 && admin.code == "unauthorized" && admin.error == "Unauthorized")
        #expect(admin.header("x-quota") == "7", "headers the handler noted survive its error")

        let keyed = try client(["DEMO__KEY": "k", "DEMO__ADMIN": "s3"])
        #expect(await keyed.send(.get, "/work", headers: ["x-key": "nope"]).status == 401)
        #expect(await keyed.send(.get, "/open").status == 200, "RouteAuth.none")
        #expect(await keyed.send(.get, "/work?admin=1", headers: ["x-key": "k", "authorization": "Bearer s3"]).status == 200)
        #expect(await keyed.send(.get, "/work?admin=1", headers: ["x-key": "k", "authorization": "Bearer s4"]).status == 401)
        #expect(await keyed.send(.options, "/work").status == 200, "preflights come before credentials")
    }

    @Test func errorShapeAndLogFields() async throws {
        let c = try client([:])
        let big = await c.send(.post, "/work", headers: ["content-length": "100", "x-tenant": "t1"], body: Array(repeating: 1, count: 100))
        #expect(big.status == 413)
        #expect(big.error == "Too big", "the app's native text for the runtime's 413")
        #expect(big.json?["requestId"]?.stringValue == big.header("x-request-id"))
        let failed = await c.send(.get, "/work?fail=1", headers: ["x-tenant": "t2"])
        #expect(failed.error == "Busy now" && failed.code == "busy")
        #expect(failed.logField("tenant") == "t2")
        #expect(failed.logField("step") == "handled")
        let extra = await c.send(.get, "/work?extra=1")
        #expect(extra.status == 502)
        #expect(extra.text == #"{"error":"Tip menu unavailable","code":"tip_menu_unavailable","message":"No origin","requestId":"\#(extra.header("x-request-id")!)","details":{},"ok":false,"state":{"b":1.50,"a":[]}}"#,
                "extra members beside the envelope's (never replacing one), raw ones byte for byte")
    }
}

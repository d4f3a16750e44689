import EdgeRuntime
import Testing
@testable import Server

@Suite struct RouterTests {
    let routes = [
        RouteDescriptor("/echo", file: "Functions/echo/Echo.swift", Echo.self),
        RouteDescriptor("/users/:id", file: "Functions/users/[id]/Echo.swift", Echo.self),
        RouteDescriptor("/users/me", file: "Functions/users/me/Echo.swift", Echo.self),
        RouteDescriptor("/docs/:rest+", file: "Functions/docs/[...rest]/Echo.swift", Echo.self),
        RouteDescriptor("/shop/:slug*", file: "Functions/shop/[[...slug]]/Echo.swift", Echo.self),
        RouteDescriptor("/throw", file: "Functions/throw/Thrower.swift", Thrower.self),
        RouteDescriptor("/stream", file: "Functions/stream/Stream3.swift", Stream3.self),
        RouteDescriptor("/bg", file: "Functions/bg/Background.swift", Background.self),
        RouteDescriptor("/env", file: "Functions/(vlm)/env/Env.swift", Env.self),
    ]

    @Test func staticDynamicAndCatchAllRoutes() async throws {
        let t = try TestApp(routes)
        #expect(await t.send(.get, "/users/me").route == "/users/me")
        let dyn = await t.send(.get, "/users/42?x=1&y=a%20b")
        #expect(dyn.route == "/users/:id")
        #expect(dyn.json?["params"]?["id"] == "42")
        #expect(dyn.json?["query"]?["y"] == "a b")
        #expect(await t.send(.get, "/users/caf%C3%A9").json?["params"]?["id"] == "café")
        #expect(await t.send(.get, "/docs/a/b/c").json?["params"]?["rest"] == "a/b/c")
        #expect(await t.send(.get, "/docs").status == 404)
        #expect(await t.send(.get, "/shop").json?["params"]?["slug"] == "")
        #expect(await t.send(.get, "/shop/x/y").json?["params"]?["slug"] == "x/y")
        #expect(await t.send(.get, "/echo/").status == 200, "without trailingSlash both forms are served")
    }

    /// Dynamic routes are looked up by their first literal, then those opening with a parameter: the
    /// same winners as trying every pattern in precedence order.
    @Test func literalFirstRoutesOutrankParameterFirstOnes() async throws {
        let t = try TestApp([
            RouteDescriptor("/users/:id", file: "Functions/users/[id]/Echo.swift", Echo.self),
            RouteDescriptor("/:tenant/settings", file: "Functions/[tenant]/settings/Echo.swift", Echo.self),
            RouteDescriptor("/:tenant/:page", file: "Functions/[tenant]/[page]/Echo.swift", Echo.self),
            RouteDescriptor("/:all*", file: "Functions/[[...all]]/Echo.swift", Echo.self),
        ])
        let expected = ["/users/42": "/users/:id", "/users/settings": "/users/:id", "/acme/settings": "/:tenant/settings",
                        "/acme/x": "/:tenant/:page", "/users/42/x": "/:all*", "/a/b/c": "/:all*", "/": "/:all*",
                        "/users": "/:all*", "/us%65rs/7": "/users/:id"]
        for (path, route) in expected { #expect(await t.send(.get, path).route == route, "\(path)") }
    }

    @Test func unknownPathIs404InTheEnvelope() async throws {
        let r = try await TestApp(routes).send(.get, "/missing")
        #expect(r.status == 404)
        #expect(r.json == ["error": "Not Found", "code": "not_found", "message": "No route matches /missing", "requestId": "test-id", "details": [:]])
        #expect(r.header("x-request-id") == "test-id")
    }

    @Test func wrongMethodIs405WithAllow() async throws {
        let r = try await TestApp(routes).send(.delete, "/echo")
        #expect(r.status == 405)
        #expect(r.header("allow") == "GET, HEAD, POST, OPTIONS")
        #expect(r.json?["code"] == "method_not_allowed")
        let custom = try await TestApp(routes).send(HTTPRequest.Method("PROPFIND")!, "/echo")
        #expect(custom.status == 405)
    }

    @Test func optionsAndHead() async throws {
        let t = try TestApp(routes)
        let o = await t.send(.options, "/echo")
        #expect(o.status == 204)
        #expect(o.header("allow") == "GET, HEAD, POST, OPTIONS")
        let h = await t.send(.head, "/echo")
        #expect(h.status == 200)
        #expect(h.header("content-type")?.hasPrefix("application/json") == true, "HEAD runs the GET handler")
        #expect(h.body.isEmpty, "and gets the head only")
    }

    @Test func errorsBecomeTheEnvelope() async throws {
        let t = try TestApp(routes)
        let http = await t.send(.get, "/throw?kind=http")
        #expect(http.status == 409)
        #expect(http.json == ["error": "Conflict", "code": "stale", "message": "too old", "requestId": "test-id", "details": ["x": 1]])
        let other = await t.send(.get, "/throw")
        #expect(other.status == 500)
        #expect(other.json?["code"] == "internal_error")
    }

    @Test func badJSONBodyIs400() async throws {
        let r = try await TestApp(routes).send(.post, "/echo", body: Array("{nope".utf8))
        #expect(r.status == 400)
        #expect(r.json?["code"] == "invalid_json")
        let ok = try await TestApp(routes).send(.post, "/echo", body: Array(#"{"a":[1,2]}"#.utf8))
        #expect(ok.json?["body"] == ["a": [1, 2]])
    }

    @Test func malformedTargetIs400() async throws {
        #expect(try await TestApp(routes).send(.get, "*").status == 400)
        #expect(try await TestApp(routes).send(.get, "/a\u{1}b").status == 400)
    }

    @Test func oversizeBodyIs413BeforeReading() async throws {
        let t = try TestApp(routes, config: #"{"functions":{"Functions/echo/**":{"maxRequestBodySize":10}}}"#)
        let r = await t.send(.post, "/echo", body: Array(repeating: UInt8(ascii: "a"), count: 11))
        #expect(r.status == 413)
        #expect(r.json?["code"] == "payload_too_large")
        #expect(r.header("connection") == "close")
    }

    @Test func maxDurationGives504AndCancels() async throws {
        let slow = [RouteDescriptor("/slow", file: "Functions/slow/Slow.swift", Slow.self)]
        let t = try TestApp(slow, config: #"{"functions":{"Functions/slow/*.swift":{"maxDuration":1}}}"#)
        let start = ContinuousClock.now
        let r = await t.send(.get, "/slow")
        #expect(r.status == 504)
        #expect(r.json?["code"] == "function_timeout")
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test func streamedBodiesAndWaitUntil() async throws {
        let t = try TestApp(routes)
        let s = await t.send(.get, "/stream")
        #expect(s.text == "data: 1\n\ndata: 2\n\ndata: 3\n\n")
        #expect(s.header("content-type") == "text/event-stream; charset=utf-8")
        _ = await t.send(.get, "/bg")
        await t.app.background.drain()
        #expect(Background.done.isSet)
    }

    /// Canonical paths are split by byte; the segments are those `split(separator: "/")` gives.
    @Test func canonicalPathsSplitAsSplitDoes() {
        for path in ["/", "/a", "/a/b", "/v1/prompts/7", "/api/sessions/s-1/x", "/a/b/c/d/e/f/g", "/x.y/z~"] {
            #expect(RouteTable.isCanonical(path), "\(path)")
            #expect(RouteTable.segments(ofCanonical: path) == path.split(separator: "/"), "\(path)")
        }
        for path in ["", "a/b", "/a/", "//a", "/a%2Fb", "/é"] { #expect(!RouteTable.isCanonical(path), "\(path)") }
    }

    @Test func requestIdsAreKeptWhenSaneElseGenerated() {
        #expect(RequestID.accept("abc-123_x.y:z") == "abc-123_x.y:z")
        #expect(RequestID.accept("bad id") != "bad id")
        #expect(RequestID.accept(String(repeating: "a", count: 129)).count == 36)
        let g = RequestID.generate()
        #expect(g.count == 36 && g.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12])
    }

    @Test func appEnvironmentIsScoped() async throws {
        let t = try TestApp(routes, env: ["DEFAULT_MODEL": "gpt-4.1-mini", "VLM__DEFAULT_MODEL": "glm-4.5v"])
        #expect(await t.send(.get, "/env").json == ["model": "glm-4.5v", "app": "vlm"])
    }
}

import EdgeRuntime
import EdgeTesting
import Testing

/// `ErrorShape.adapt`: an app's own codes and details for every error of its routes, the runtime's
/// answers (405, 413) included.
@Suite struct AppErrorShapeTests {
    /// Renames every 4xx it does not own to `http_error` with the path, as system 002 does.
    struct StrictApp: EdgeApp {
        func policy(_ env: Environment) -> AppPolicy {
            AppPolicy(errors: ErrorShape(nativeText: { _ in nil }, adapt: { e, path in
                var e = e
                if e.code != "mine", e.status.code < 500 {
                    e.code = "http_error"
                    e.details["path"] = .string(path)
                }
                return e
            }))
        }
    }

    struct Thrower: EdgeFunction {
        static let methods: HTTPMethods = [.get, .post]
        func handle(_ request: Request, context: Context) async throws -> Response {
            if request.method == .post { _ = try await request.bytes() }
            if request.query["own"] == "1" { throw HTTPError(.conflict, code: "mine", message: "mine") }
            throw HTTPError(.badRequest, code: "whatever", message: "no")
        }
    }

    static let routes = [RouteDescriptor("/t", file: "Functions/(strict)/t/Thrower.swift", Thrower.self)]
    static let apps = [AppDescriptor("strict", file: "Functions/(strict)/_app/StrictApp.swift", StrictApp.self)]
    static let limits = #"{"functions":{"Functions/(strict)/**":{"maxRequestBodySize":4}}}"#

    @Test func adaptSeesHandlerErrorsAndTheRuntimesOwn() async throws {
        let c = try TestClient(routes: Self.routes, apps: Self.apps, config: Self.limits)
        let thrown = await c.send(.get, "/t")
        #expect(thrown.status == 400 && thrown.code == "http_error" && thrown.json?["details"]?["path"] == "/t")
        #expect(thrown.json?["message"] == "no")
        let own = await c.send(.get, "/t?own=1")
        #expect(own.status == 409 && own.code == "mine" && own.json?["details"] == [:])
        let wrongMethod = await c.send(.delete, "/t")
        #expect(wrongMethod.status == 405 && wrongMethod.code == "http_error" && wrongMethod.header("allow") != nil)
        let tooLarge = await c.send(.post, "/t", body: Array(repeating: 1, count: 10))
        #expect(tooLarge.status == 413 && tooLarge.code == "http_error" && tooLarge.json?["details"]?["path"] == "/t")
    }
}

import EdgeRuntime

/// `GET /hello`: the smallest function; the HTTP benchmark's target.
struct Hello: EdgeFunction {
    static let methods: HTTPMethods = [.get]

    func handle(_ request: Request, context: Context) async throws -> Response {
        .text("Hello, world!")
    }
}

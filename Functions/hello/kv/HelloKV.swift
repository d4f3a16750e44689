import EdgeRuntime

/// `GET /hello/kv`: the greeting read from KV (`["hello", "greeting"]`, written on first use), as text.
/// One KV read per request: the HTTP benchmark's KV route (`bench/http/run.sh --route kv`), with the
/// Deno peer doing the same on Deno KV.
struct HelloKV: EdgeFunction {
    static let methods: HTTPMethods = [.get]
    static let key: KvKey = ["hello", "greeting"]

    func handle(_ request: Request, context: Context) async throws -> Response {
        let kv = try context.kv
        if case .string(let greeting)? = try await kv.get(Self.key).value {
            return .text(greeting)
        }
        try await kv.set(Self.key, "Hello, world!")
        return .text("Hello, world!")
    }
}

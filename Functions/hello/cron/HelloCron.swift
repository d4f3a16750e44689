import EdgeRuntime

/// `GET /hello/cron`: the scheduled example. A call from the scheduler (`context.isCron`) adds one to
/// the KV counter `["hello", "cron-runs"]` with an atomic sum; every call answers the count as text.
/// Schedule it in `crons` (e.g. `* * * * * *`, every second) to see a tick run once across every
/// instance sharing the store.
struct HelloCron: EdgeFunction {
    static let methods: HTTPMethods = [.get]
    static let key: KvKey = ["hello", "cron-runs"]

    func handle(_ request: Request, context: Context) async throws -> Response {
        let kv = try context.kv
        if context.isCron {
            _ = try await kv.atomic().sum(Self.key, 1).commit()
        }
        guard case .u64(let count)? = try await kv.get(Self.key).value else { return .text("0") }
        return .text(String(count.value))
    }
}

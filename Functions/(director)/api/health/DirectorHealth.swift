import EdgeRuntime

/// `GET /api/health` (system 000, Director): liveness plus the storage mode, no API key needed.
/// Body: `{"ok", "storage", "isAvailable", "isPersistent", "now"}` (CONTRACTS §1.3). `isAvailable`
/// is a real read of the KV store, so an unopenable store shows here before a session write fails.
struct DirectorHealth: EdgeFunction {
    static let methods: HTTPMethods = [.get]
    static let auth: RouteAuth = .none

    func handle(_ request: Request, context: Context) async throws -> Response {
        var available = false
        if let kv = try? context.kv {
            available = (try? await kv.get(["director", "health"])) != nil
        }
        return .json([
            "ok": true,
            "storage": "kv",
            "isAvailable": .bool(available),
            "isPersistent": .bool(available),
            "now": .number(Double(WallClock.nowMilliseconds())),
        ])
    }
}

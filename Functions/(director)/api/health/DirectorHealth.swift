import EdgeRuntime

/// `GET /api/health` (system 000, Director): liveness plus the storage mode.
/// No API key needed. Body: `{"ok", "storage", "isAvailable", "isPersistent", "now"}` (CONTRACTS §1.3).
struct DirectorHealth: EdgeFunction {
    static let methods: HTTPMethods = [.get]

    func handle(_ request: Request, context: Context) async throws -> Response {
        .json([
            "ok": true,
            "storage": "kv",
            "isAvailable": true,
            "isPersistent": true,
            "now": .number(Double(WallClock.nowMilliseconds())),
        ])
    }
}

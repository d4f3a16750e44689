import EdgeRuntime

/// `GET /healthz`, shared by systems 001 (chat) and 004 (VLM): one handler answers the union body
/// (CONTRACTS §0.3): 004 reads `ok`/`ts`, 001 reads `status`/`uptime`/`provider`/`model`/`persistence`.
/// 503 with `ok: false` while the KV store is unavailable.
struct Healthz: EdgeFunction {
    static let methods: HTTPMethods = [.get]

    func handle(_ request: Request, context: Context) async throws -> Response {
        let env = context.env
        // Readiness: 503 while the store is down (a deployment serving with --no-kv, or a failed open).
        let ready = (try? context.kv) != nil
        return .json([
            "ok": .bool(ready),
            "ts": .number(Double(WallClock.nowMilliseconds())),
            "status": .string(ready ? "ok" : "storage_unavailable"),
            "uptime": .number(RuntimeInfo.uptimeSeconds),
            "provider": "openai-compatible",
            "model": .string(env.get("CHAT__DEFAULT_MODEL", default: "gpt-4.1-mini")),
            "persistence": [
                "enabled": .bool(env.bool("CHAT__PERSIST_TRANSCRIPTS")),
                "retentionDays": .number(Double(env.int("CHAT__RETENTION_DAYS", default: 30))),
            ],
        ], status: ready ? .ok : .serviceUnavailable)
    }
}

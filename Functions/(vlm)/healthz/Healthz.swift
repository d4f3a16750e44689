import EdgeRuntime

/// `GET /healthz`, shared by systems 001 (chat) and 004 (VLM): one handler answers the union body
/// (CONTRACTS §0.3): 004 reads `ok`/`ts`, 001 reads `status`/`uptime`/`provider`/`model`/`persistence`.
struct Healthz: EdgeFunction {
    static let methods: HTTPMethods = [.get]

    func handle(_ request: Request, context: Context) async throws -> Response {
        let env = context.env
        return .json([
            "ok": true,
            "ts": .number(Double(WallClock.nowMilliseconds())),
            "status": "ok",
            "uptime": .number(RuntimeInfo.uptimeSeconds),
            "provider": "openai-compatible",
            "model": .string(env.get("CHAT__DEFAULT_MODEL", default: "gpt-4.1-mini")),
            "persistence": [
                "enabled": .bool(env.bool("CHAT__PERSIST_TRANSCRIPTS")),
                "retentionDays": .number(Double(env.int("CHAT__RETENTION_DAYS", default: 30))),
            ],
        ])
    }
}

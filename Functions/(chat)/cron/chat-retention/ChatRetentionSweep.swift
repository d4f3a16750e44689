import EdgeRuntime

/// `GET /cron/chat-retention`: the hourly retention sweep (`0 * * * *` in `vercel-like.json`). Deletes
/// conversations idle for more than `RETENTION_DAYS` days (0 keeps everything); does nothing while
/// `PERSIST_TRANSCRIPTS` is off. Allowed for the scheduler (`context.isCron`) and for
/// `Authorization: Bearer $CRON_SECRET`; else 401. Answers `{"ok": true, "deleted": <n>}`.
struct ChatRetentionSweep: EdgeFunction {
    static let methods: HTTPMethods = [.get]
    static let auth: RouteAuth = .none

    func handle(_ request: Request, context: Context) async throws -> Response {
        guard context.isCron || context.presents("cron") else { throw Credential.unauthorized() }
        let config = context.env.derived(ChatConfig.init)
        guard config.persist, config.retentionDays > 0 else {
            return .json(["ok": true, "deleted": 0, "skipped": true])
        }
        let store = ChatStore(kv: try context.kv)
        let cutoff = store.kv.clock.nowMs() - Int64(config.retentionDays) * 86_400_000
        let deleted = try await store.sweep(olderThan: cutoff)
        context.logger.info("chat retention sweep", metadata: ["deleted": .stringConvertible(deleted)])
        return .json(["ok": true, "deleted": .number(Double(deleted)), "skipped": false])
    }
}

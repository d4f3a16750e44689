import EdgeRuntime

/// `GET /admin/cron/backup`: the seed's "daily backup" cron (`0 3 * * *` UTC in `vercel-like.json`).
/// Stores the export at `["backups", <ISO>]` with a 30-day expireIn. Allowed for the scheduler
/// (`context.isCron`), `Authorization: Bearer $CRON_SECRET`, or a valid `X-Admin-Token`; else 401.
/// One run per hour slot across processes (a KV lease) for scheduler invocations.
struct VLMCronBackup: EdgeFunction {
    static let methods: HTTPMethods = [.get]

    func handle(_ request: Request, context: Context) async throws -> Response {
        guard context.isCron || context.presents("cron") || context.presents("admin") else { throw VLM.unauthorized() }
        let kv = try context.kv
        if context.isCron {
            let slot = String(VLMTime.nowISO().prefix(13))  // YYYY-MM-DDTHH
            let lease: KvKey = ["backups_lease", .string(slot)]
            let won = try await kv.atomic().check(lease, versionstamp: nil)
                .set(lease, .string(context.requestId), expireIn: 2 * 60 * 60 * 1000).commit().ok
            if !won {
                context.logger.info("[CRON] Backup already done for this slot", metadata: ["slot": .string(slot)])
                return .json(.object(["ok": .bool(true), "skipped": .bool(true), "slot": .string(slot)]))
            }
        }
        context.logger.info("[CRON] Running backup...")
        let export = try await VLMBackup.export(kv)
        let stored = try await VLMBackup.store(export, kv: kv)
        let location = await VLMBackup.uploadToSupabase(export, filename: "backup-\(export.exportedAtMs).json", context: context)
        context.logger.info("[CRON] Backup complete", metadata: ["count": .stringConvertible(export.count), "bytes": .stringConvertible(export.bytes.count)])
        var body: [(String, JSONValue)] = [
            ("ok", .bool(true)), ("key", .array([.string("backups"), .string(export.exportedAt)])),
            ("exported_at", .string(export.exportedAt)), ("count", .number(Double(export.count))),
            ("bytes", .number(Double(export.bytes.count))), ("parts", .number(Double(stored.parts))),
        ]
        if let location { body.append(("location", .string(location))) }
        return .json(.object(JSONObject(body)))
    }
}

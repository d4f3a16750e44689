import EdgeRuntime

/// `GET /health` (system 002): `{"status":"ok","service","version","jobsInMemory","idempotencyKeysInMemory",
/// "jobRunTimeoutSec","requestId"}` (CONTRACTS §3.3), after a full cleanup (always, not only when due). The counters are the jobs and
/// idempotency keys stored in KV.
struct JobsHealth: EdgeFunction {
    static let methods: HTTPMethods = [.get]

    func handle(_ request: Request, context: Context) async throws -> Response {
        let store = JobStore(kv: try context.kv, config: context.env.derived(JobsConfig.init))
        let jobs = try await store.cleanup()
        let keys = try store.kv.count(.prefix(JobKeys.idempotency))
        return .json([
            "status": "ok",
            "service": .string(JobsLimits.service),
            "version": .string(JobsLimits.version),
            "jobsInMemory": .number(Double(jobs.count)),
            "idempotencyKeysInMemory": .number(Double(keys)),
            "jobRunTimeoutSec": .number(store.config.runTimeoutSeconds),
            "requestId": .string(context.requestId),
        ])
    }
}

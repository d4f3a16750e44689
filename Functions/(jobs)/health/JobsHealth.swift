import EdgeRuntime

/// `GET /health` (system 002): `{"status":"ok","service","version","jobsInMemory","idempotencyKeysInMemory",
/// "jobRunTimeoutSec","requestId"}` (CONTRACTS §3.3), after the cleanup. The counters are the jobs and
/// idempotency keys stored in KV.
struct JobsHealth: EdgeFunction {
    static let methods: HTTPMethods = [.get]

    func handle(_ request: Request, context: Context) async throws -> Response {
        let (store, jobs) = try await JobStore.cleaned(context)
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

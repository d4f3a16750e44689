import EdgeRuntime

/// `GET /health` (system 002, jobs API): `{"status":"ok","service","version","jobsInMemory",
/// "idempotencyKeysInMemory","jobRunTimeoutSec","requestId"}` (CONTRACTS §3.3). The jobs app is not
/// ported yet, so it holds no jobs and no idempotency keys.
struct JobsHealth: EdgeFunction {
    static let methods: HTTPMethods = [.get]

    func handle(_ request: Request, context: Context) async throws -> Response {
        .json([
            "status": "ok",
            "service": "backend-ai-mvp",
            "version": "0.5.0",
            "jobsInMemory": 0,
            "idempotencyKeysInMemory": 0,
            "jobRunTimeoutSec": .number(Double(context.env.get("JOB_RUN_TIMEOUT_SECONDS", default: "8.0")) ?? 8.0),
            "requestId": .string(context.requestId),
        ])
    }
}

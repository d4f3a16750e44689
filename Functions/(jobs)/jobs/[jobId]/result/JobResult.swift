import EdgeRuntime

/// `GET /jobs/{jobId}/result` (system 002): a `done` job → 200 `{"jobId","objects","modelVersion",
/// "latencyMs","requestId"}`. Otherwise 409: `job_not_completed` (pending, running; details
/// `{"jobId","status"}`), `job_failed` / `job_timeout` / `job_canceled` (message: the job's `error`);
/// unknown → 404 `job_not_found`.
struct JobResult: EdgeFunction {
    static let methods: HTTPMethods = [.get]

    func handle(_ request: Request, context: Context) async throws -> Response {
        let jobId = try context.parameters.require("jobId")
        let store = try await JobStore.cleaned(context)
        guard let entry = try await store.find(jobId) else { throw JobsErrors.notFound(jobId) }
        let job = entry.job
        func conflict(_ code: String, _ fallback: String) -> HTTPError {
            HTTPError(.conflict, code: code, message: job.error ?? fallback, details: ["jobId": .string(jobId)])
        }
        let notCompleted = HTTPError(.conflict, code: "job_not_completed", message: "job not completed",
                                     details: ["jobId": .string(jobId), "status": .string(job.status.rawValue)])
        switch job.status {
        case .pending, .running: throw notCompleted
        case .failed: throw conflict("job_failed", "job failed")
        case .timeout: throw conflict("job_timeout", "job timeout")
        case .canceled: throw conflict("job_canceled", "job canceled")
        case .done:
            guard let stored = try await store.kv.get(JobKeys.result(jobId)).value,
                  case .object(let result)? = try? JSONValue.parse(stored.plainJSONText())
            else { throw notCompleted }  // as the original answers a done job without a result
            var body: JSONObject = ["jobId": .string(jobId)]
            for (k, v) in result { body[k] = v }
            body["requestId"] = .string(context.requestId)
            return .json(.object(body))
        }
    }
}

import EdgeRuntime

/// `GET /jobs/{jobId}` (system 002): 200 `{"jobId","status","task","createdAt","startedAt","finishedAt",
/// "error","requestId"}` (nullable fields present as null); 404 `job_not_found`.
struct JobStatus: EdgeFunction {
    static let methods: HTTPMethods = [.get]

    func handle(_ request: Request, context: Context) async throws -> Response {
        let jobId = try context.parameters.require("jobId")
        let store = try await JobStore.cleaned(context)
        guard let entry = try await store.find(jobId) else { throw JobsErrors.notFound(jobId) }
        return .json(entry.job.statusJSON(requestId: context.requestId))
    }
}

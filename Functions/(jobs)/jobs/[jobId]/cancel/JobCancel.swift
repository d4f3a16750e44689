import EdgeRuntime

/// `POST /jobs/{jobId}/cancel` (system 002): a `pending` or `running` job becomes `canceled` (`error`
/// `job canceled by user`) and stays so even if its run finishes later; 200 with the job's status body.
/// Canceling a canceled job answers 200 again; `done`/`failed`/`timeout` → 409 `job_not_cancelable`;
/// unknown → 404 `job_not_found`.
struct JobCancel: EdgeFunction {
    static let methods: HTTPMethods = [.post]

    func handle(_ request: Request, context: Context) async throws -> Response {
        let jobId = try context.parameters.require("jobId")
        let store = try await JobStore.cleaned(context)
        let job = try await store.cancel(jobId)
        return .json(job.statusJSON(requestId: context.requestId))
    }
}

import EdgeRuntime

/// `GET /prepare/status?runId=...` (CONTRACTS §4.3): the run's `PrepareStatusResponse` now (also before
/// start: phase `Pending`, every step `Pending`).
struct PrepareStatus: EdgeFunction {
    static let methods: HTTPMethods = [.get]

    func handle(_ request: Request, context: Context) async throws -> Response {
        PersephoneSession.note(request, context: context)
        let runs = try PersephoneRuns(context)
        let (run, _) = try await runs.find(request)
        return .json(PrepareState(run, nowMs: runs.nowMs).json)
    }
}

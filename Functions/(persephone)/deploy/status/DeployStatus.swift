import EdgeRuntime

/// `GET /deploy/status?runId=...&env=...` (CONTRACTS §4.3): the latest deployment of the run to `env`;
/// 404 `no deployment of run <id> to <env>` when there is none.
struct DeployStatus: EdgeFunction {
    static let methods: HTTPMethods = [.get]

    func handle(_ request: Request, context: Context) async throws -> Response {
        PersephoneSession.note(request, context: context)
        let runs = try PersephoneRuns(context)
        let (run, _) = try await runs.find(request)
        let env = try DeployState.environment(request)
        guard let d = try await runs.kv.get(PersephoneKeys.deploy(run.runId, env), as: DeployRecord.self) else {
            throw HTTPError(.notFound, code: "not_found", message: "no deployment of run \(run.runId) to \(env)")
        }
        return .json(DeployState(d.value, nowMs: runs.nowMs).json)
    }
}

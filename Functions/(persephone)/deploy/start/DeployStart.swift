import EdgeRuntime

/// `POST /deploy/start?runId=...&env=dev|stage|prod` (CONTRACTS §4.3): a new deployment of the run to
/// `env` (version `v<n>`, one more than the last one there) and its `DeployStatusResponse`. 409 when
/// the preparation has not succeeded; 400 for a missing or unknown `env`. Concurrent starts each get
/// their own version (check-and-set on the environment's record).
struct DeployStart: EdgeFunction {
    static let methods: HTTPMethods = [.post]

    func handle(_ request: Request, context: Context) async throws -> Response {
        PersephoneSession.note(request, context: context)
        let runs = try PersephoneRuns(context)
        let (run, _) = try await runs.find(request)
        let env = try DeployState.environment(request)
        guard PrepareState(run, nowMs: runs.nowMs).phase == .succeeded else {
            throw HTTPError(.conflict, code: "not_prepared", message: "preparation has not succeeded yet")
        }
        let key = PersephoneKeys.deploy(run.runId, env)
        for _ in 0..<PersephoneLimits.maxCommitAttempts {
            let e = try await runs.kv.get(key)
            let last = try e.decode(as: DeployRecord.self)
            let record = DeployRecord(runId: run.runId, environment: env, version: (last?.version ?? 0) + 1,
                                      startedMs: runs.nowMs, durationMs: runs.config.deployMs)
            if case .ok = try await runs.kv.atomic().check(key, versionstamp: e.versionstamp).set(key, encoding: record).commit() {
                context.logField("runId", run.runId)
                return .json(DeployState(record, nowMs: runs.nowMs).json)
            }
        }
        throw PersephoneErrors.busy
    }
}

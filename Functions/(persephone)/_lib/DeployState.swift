import EdgeRuntime

/// One deployment at one instant (CONTRACTS §4.3), derived from its record and the clock: `Pending`
/// for the first third of `DEPLOY_MS`, `Running` until `DEPLOY_MS`, then `Succeeded`. `message`
/// describes the phase; `version` is `v<n>`, counting the run's deployments to that environment.
struct DeployState: Sendable {
    let record: DeployRecord
    let phase: PrepareState.Phase
    let message: String
    let updatedMs: Int64

    init(_ d: DeployRecord, nowMs: Int64) {
        record = d
        let running = d.startedMs + d.durationMs / 3, done = d.startedMs + d.durationMs
        let v = "v\(d.version)"
        if nowMs >= done {
            phase = .succeeded
            message = "\(v) is live in \(d.environment)"
            updatedMs = done
        } else if nowMs >= running {
            phase = .running
            message = "deploying \(v) to \(d.environment)"
            updatedMs = running
        } else {
            phase = .pending
            message = "\(v) is queued for \(d.environment)"
            updatedMs = d.startedMs
        }
    }

    /// `DeployStatusResponse`.
    var json: JSONValue {
        ["runId": .string(record.runId), "environment": .string(record.environment), "phase": .string(phase.rawValue),
         "message": .string(message), "version": .string("v\(record.version)"),
         "startedAt": .string(WallClock.iso8601(epochMilliseconds: record.startedMs)),
         "updatedAt": .string(WallClock.iso8601(epochMilliseconds: updatedMs))]
    }

    /// The `env` query parameter: one of `dev`, `stage`, `prod`, else 400.
    static func environment(_ request: Request) throws -> String {
        guard let env = request.query["env"], !env.isEmpty else { throw PersephoneErrors.bad("env query parameter is required (dev, stage or prod)") }
        guard PersephoneLimits.environments.contains(env) else {
            throw PersephoneErrors.bad("unknown env '\(env.prefix(PersephoneLimits.maxIdLength))': expected dev, stage or prod")
        }
        return env
    }
}

/// Keeps the last runs of each job, for `edge cron list` and the operator endpoint.
///
/// The KV-backed implementation keeps them under the job's path (for example
/// `["__edge", "cron", "runs", path, scheduledAt]`), trimming to ``CronLimits/runsKeptPerJob``.
/// Recording failures are logged by the scheduler and never stop it.
public protocol CronRunStore: Sendable {
    /// Adds one record.
    func record(_ run: CronRunRecord) async throws
    /// The most recent records of `path`, newest first, at most `limit`.
    func lastRuns(path: String, limit: Int) async throws -> [CronRunRecord]
}

extension CronRunStore {
    /// The most recent record of `path` that says what happened to the job, skipping
    /// ``CronOutcome/lostLease`` records (the process that won that tick records the run itself).
    public func lastRun(path: String) async throws -> CronRunRecord? {
        try await lastRuns(path: path, limit: CronLimits.runsKeptPerJob).first { $0.outcome != .lostLease }
    }
}

/// One cron declared in `vercel-like.json` (`crons: [{ "path", "schedule" }]`), plus Deno's
/// optional retry schedule.
public struct CronJob: Sendable, Hashable, Identifiable {
    /// The route invoked, with any query string, e.g. `/api/cron/backup`. Unique per scheduler;
    /// it is also the job's name in leases, run records and logs.
    public let path: String
    /// The parsed schedule; `schedule.source` is the text sent as `x-vercel-cron-schedule`.
    public let schedule: CronExpression
    /// Delays before retrying a failed run: after the n-th failed attempt the scheduler waits
    /// `backoffSchedule[n-1]` and tries again, until it succeeds or the list is exhausted.
    /// Empty by default, as Vercel never retries. (Deno's CLI defaults to
    /// `[100ms, 1s, 5s, 30s, 60s]` when none is given; here absence means no retries.)
    public let backoffSchedule: [Duration]

    public var id: String { path }

    /// - Throws: ``CronExpressionError`` for a bad schedule, ``CronConfigurationError`` for a bad
    ///   path or backoff schedule.
    public init(path: String, schedule: String, backoffSchedule: [Duration] = []) throws {
        try self.init(path: path, schedule: CronExpression(parsing: schedule), backoffSchedule: backoffSchedule)
    }

    /// - Throws: ``CronConfigurationError`` when `path` does not start with `/`, or
    ///   `backoffSchedule` has more than ``CronLimits/maximumBackoffEntries`` entries or an entry
    ///   that is negative or longer than ``CronLimits/maximumBackoffDelay``.
    public init(path: String, schedule: CronExpression, backoffSchedule: [Duration] = []) throws(CronConfigurationError) {
        guard path.hasPrefix("/") else {
            throw CronConfigurationError("cron path \"\(path)\" must start with /")
        }
        guard backoffSchedule.count <= CronLimits.maximumBackoffEntries else {
            throw CronConfigurationError(
                "cron \(path): backoffSchedule has \(backoffSchedule.count) entries; at most \(CronLimits.maximumBackoffEntries) are allowed")
        }
        for delay in backoffSchedule where delay < .zero || delay > CronLimits.maximumBackoffDelay {
            throw CronConfigurationError(
                "cron \(path): backoffSchedule entry \(CronRunRecord.milliseconds(delay)) ms is outside 0 ... \(CronRunRecord.milliseconds(CronLimits.maximumBackoffDelay)) ms")
        }
        self.path = path
        self.schedule = schedule
        self.backoffSchedule = backoffSchedule
    }
}

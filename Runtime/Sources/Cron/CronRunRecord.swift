/// What happened at one tick of one job; kept by a ``CronRunStore`` and shown by `edge cron list`.
public struct CronRunRecord: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The job's path.
    public var path: String
    /// The tick: the instant the schedule named (for `edge cron run`, the instant it was asked).
    public var scheduledAt: CronInstant
    /// When the first attempt started (for skipped and lost ticks, when the tick was handled).
    public var startedAt: CronInstant
    /// From the start of the first attempt to the end of the last one, including backoff waits.
    /// Zero for skipped and lost ticks.
    public var duration: Duration
    public var outcome: CronOutcome
    /// Attempts made: 0 when the handler was not invoked, 1 without retries.
    public var attempts: Int

    public init(path: String, scheduledAt: CronInstant, startedAt: CronInstant, duration: Duration, outcome: CronOutcome, attempts: Int) {
        self.path = path
        self.scheduledAt = scheduledAt
        self.startedAt = startedAt
        self.duration = duration
        self.outcome = outcome
        self.attempts = attempts
    }

    /// The scheduler's log line for this run, e.g.
    /// `cron /api/cron/backup scheduled=2026-11-25T03:00:00Z started=2026-11-25T03:00:00.004Z duration=12ms attempts=1 outcome=ok(200)`.
    public var description: String {
        "cron \(path) scheduled=\(scheduledAt.iso8601) started=\(startedAt.iso8601WithMilliseconds) "
            + "duration=\(Self.milliseconds(duration))ms attempts=\(attempts) outcome=\(outcome)"
    }

    /// `duration` in whole milliseconds (toward zero).
    public static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

/// One call of a job's handler, passed to the scheduler's `invoke` closure.
public struct CronInvocation: Sendable, Hashable {
    /// The route to call with `GET`, e.g. `/api/cron/backup`.
    public var path: String
    /// The schedule text, sent as `x-vercel-cron-schedule`.
    public var schedule: String
    /// The tick this call belongs to.
    public var scheduledAt: CronInstant
    /// 1 for the first attempt, 2 for the first retry, ...
    public var attempt: Int

    public init(path: String, schedule: String, scheduledAt: CronInstant, attempt: Int) {
        self.path = path
        self.schedule = schedule
        self.scheduledAt = scheduledAt
        self.attempt = attempt
    }

    /// The request headers Vercel sends to a cron route, in order:
    /// `user-agent: vercel-cron/1.0`, `x-vercel-cron-schedule: <schedule>`, and
    /// `authorization: Bearer <secret>` when `cronSecret` is given (the `CRON_SECRET`
    /// environment variable; validate it at start-up with ``CronSecret/validate(_:)``).
    /// Names are lowercase, as HTTP/2 sends them; compare them case-insensitively.
    public func headers(cronSecret: String?) -> [(name: String, value: String)] {
        Self.headers(schedule: schedule, cronSecret: cronSecret)
    }

    /// See ``headers(cronSecret:)``.
    public static func headers(schedule: String, cronSecret: String?) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [
            ("user-agent", "vercel-cron/1.0"),
            ("x-vercel-cron-schedule", schedule),
        ]
        if let cronSecret { headers.append(("authorization", "Bearer \(cronSecret)")) }
        return headers
    }
}

/// Every limit of the `Cron` module, in one place.
public enum CronLimits {
    /// Most entries a job's `backoffSchedule` may have (Deno.cron's limit).
    public static let maximumBackoffEntries = 5
    /// Longest single backoff delay (Deno.cron's limit: 3 600 000 ms).
    public static let maximumBackoffDelay = Duration.seconds(3600)
    /// Most cron jobs one scheduler accepts (Vercel's 100 crons per project).
    public static let maximumJobs = 100
    /// Longest expression text accepted, in bytes.
    public static let maximumExpressionLength = 1024
    /// Runs kept per job by ``InMemoryCronRunStore`` (and the number the KV store should keep).
    public static let runsKeptPerJob = 20
    /// How long a shutdown waits for runs in progress before cancelling them.
    public static let defaultShutdownGracePeriod = Duration.seconds(10)
    /// After cancelling runs at shutdown, how long to wait for them to stop before returning anyway
    /// (their records are already written as cancelled).
    public static let cancellationGracePeriod = Duration.seconds(2)
    /// A tick is dropped, not run, when the scheduler wakes more than this long after it
    /// (the process was suspended, the wall clock jumped forward). Ticks missed while the
    /// process was down are never replayed either.
    public static let lateTickExpiry = Duration.seconds(60)
}

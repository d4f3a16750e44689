import Synchronization

/// Runs cron jobs in process: a long-running service, stopped by cancelling the task that calls
/// ``run()``.
///
/// Semantics, per job:
/// - **Ticks.** The scheduler sleeps until the earliest next fire time of any job (no polling),
///   then handles every job due at that instant. A tick is handled at most once and never before
///   its instant. Ticks missed while the process was down are not replayed; a tick the scheduler
///   wakes up for more than ``CronLimits/lateTickExpiry`` late (suspended machine, clock jump) is
///   dropped and logged, and scheduling continues from "now".
/// - **No overlap.** A tick that comes while the job's previous run (including its retries) is
///   still going is skipped, logged and recorded as ``CronOutcome/skippedOverlap``.
/// - **One run per tick across processes.** Before invoking, the run acquires the ``CronLease``
///   for `(path, tick)`; if another scheduler holds it, the tick is recorded as
///   ``CronOutcome/lostLease`` and not run. The lease is released when the run ends.
/// - **Invocation and retries.** `invoke` performs the request (the runtime maps it to an
///   in-process `GET` of the route with ``CronInvocation/headers(cronSecret:)``) and returns the
///   HTTP status. A status >= 500 or a thrown error is a failure and is retried after
///   `backoffSchedule[n-1]` (n = attempts so far) until it succeeds or the schedule is exhausted.
/// - **Records and logs.** Every handled tick produces one ``CronRunRecord`` in the
///   ``CronRunStore`` and one log line (its `description`).
/// - **Shutdown.** Cancelling the task running ``run()`` stops scheduling at once; runs in
///   progress get `shutdownGracePeriod` to finish. Runs still going then are recorded as
///   ``CronOutcome/cancelled`` and their tasks cancelled (so `invoke` sees task cancellation);
///   ``run()`` returns after they stop, or after ``CronLimits/cancellationGracePeriod`` if a
///   handler ignores cancellation. A run waiting to retry is cancelled at once at the end of the
///   grace period. No run ends without a record.
public final class CronScheduler: Sendable {
    /// Performs one attempt and returns the HTTP status; throwing counts as a failure.
    public typealias Invoke = @Sendable (CronInvocation) async throws -> Int
    /// Receives one line per handled tick (and a few scheduler lines).
    public typealias Log = @Sendable (String) -> Void

    /// The jobs, in declaration order.
    public let jobs: [CronJob]
    let clock: any CronClock
    let lease: any CronLease
    let store: any CronRunStore
    let invoke: Invoke
    let log: Log
    let shutdownGracePeriod: Duration
    let state = Mutex(State())

    struct InFlight {
        var id: Int
        var tick: CronInstant
        var startedAt: CronInstant
        var attempts = 0
        var finalized = false
        var task: Task<CronRunRecord, Never>?
    }

    struct State {
        var isRunning = false
        var nextRunID = 0
        var inFlight: [String: InFlight] = [:]
        var nextFire: [String: CronInstant] = [:]
    }

    /// - Parameters:
    ///   - jobs: at most ``CronLimits/maximumJobs``, paths unique.
    ///   - clock: ``SystemCronClock`` in production, ``ManualCronClock`` in tests.
    ///   - lease: shared by every scheduler that must not run the same tick twice.
    ///   - store: where run records go.
    ///   - shutdownGracePeriod: how long shutdown waits for runs in progress.
    ///   - log: one line per handled tick.
    ///   - invoke: performs one attempt; see ``Invoke``.
    /// - Throws: ``CronConfigurationError`` on duplicate paths or too many jobs.
    public init(
        jobs: [CronJob],
        clock: any CronClock = SystemCronClock(),
        lease: any CronLease = InMemoryCronLease(),
        store: any CronRunStore = InMemoryCronRunStore(),
        shutdownGracePeriod: Duration = CronLimits.defaultShutdownGracePeriod,
        log: @escaping Log = { print($0) },
        invoke: @escaping Invoke
    ) throws(CronConfigurationError) {
        guard jobs.count <= CronLimits.maximumJobs else {
            throw CronConfigurationError("\(jobs.count) crons declared; at most \(CronLimits.maximumJobs) are allowed")
        }
        var seen = Set<String>()
        for job in jobs where !seen.insert(job.path).inserted {
            throw CronConfigurationError("cron path \(job.path) is declared more than once")
        }
        self.jobs = jobs
        self.clock = clock
        self.lease = lease
        self.store = store
        self.shutdownGracePeriod = shutdownGracePeriod
        self.log = log
        self.invoke = invoke
    }

    /// The job declared with `path`, if any.
    public func job(path: String) -> CronJob? {
        jobs.first { $0.path == path }
    }
}

/// Decides which scheduler runs a tick when several share one data directory (or one store).
///
/// Contract for implementations:
/// - ``acquire(job:tick:)`` returns true to exactly one caller per `(job, tick)`, and only if no
///   earlier tick of `job` is still held (a run in progress in any process). Every other caller
///   gets false. A later tick never re-opens an earlier one: ticks of one job are acquired in
///   increasing order.
/// - ``release(job:tick:)`` is called when the run of `tick` has finished (success, final
///   failure or cancellation), so the next tick can be acquired.
/// - A persistent implementation (the KV-backed one) must expire a held lease after a bound,
///   because a process can die holding it; choose the bound longer than the longest run.
///
/// Errors thrown by `acquire` are recorded as ``CronFailure/leaseUnavailable(_:)``; the handler is
/// not invoked, so a storage outage never causes a double run.
public protocol CronLease: Sendable {
    func acquire(job: String, tick: CronInstant) async throws -> Bool
    func release(job: String, tick: CronInstant) async
}

extension CronLease {
    /// Default: nothing to release (a lease that only deduplicates ticks).
    public func release(job: String, tick: CronInstant) async {}
}

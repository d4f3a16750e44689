/// Where KV gets "now" from: expiry (`expireIn` → absolute `expireAt`), strict-expiry checks and
/// queue times (`delay`, backoff, leases) all read one time source.
///
/// A `Kv` and its store must agree on time, so the time source belongs to the store
/// (`KvStore.clock`) and `Kv` asks the store for it. Times are milliseconds since the Unix epoch.
public protocol KvTimeSource: Sendable {
    /// The current time in ms since the Unix epoch.
    func nowMs() -> Int64

    /// Returns once `nowMs() >= deadline` (possibly later). Throws `CancellationError` if the
    /// calling task is cancelled first. The default implementation sleeps in real time, in slices
    /// of at most `KvLimits.maxClockSleepSliceMs`, re-checking `nowMs()`; a source whose time does not follow the wall clock (such as
    /// `ManualKvClock`) must override it and wake sleepers when its time passes their deadline.
    func sleep(untilMs deadline: Int64) async throws
}

extension KvTimeSource {
    public func sleep(untilMs deadline: Int64) async throws {
        while true {
            let remaining = deadline - nowMs()
            if remaining <= 0 { return }
            let slice = Swift.min(remaining, KvLimits.maxClockSleepSliceMs)
            try await Task.sleep(nanoseconds: UInt64(slice) * 1_000_000)
        }
    }
}

/// The wall clock (`KvClock.nowMs()`, `CLOCK_REALTIME`): the time source of every store unless
/// one is injected.
public struct KvSystemClock: KvTimeSource {
    public init() {}
    public func nowMs() -> Int64 { KvClock.nowMs() }
}

extension KvTimeSource where Self == KvSystemClock {
    /// The wall clock.
    public static var system: KvSystemClock { KvSystemClock() }
}

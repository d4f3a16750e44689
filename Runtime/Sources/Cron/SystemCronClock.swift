import FoundationEssentials

/// The real clock: wall time (`Date`, i.e. `CLOCK_REALTIME`) for "now", and the continuous
/// clock for waiting.
///
/// `sleep(until:)` sleeps on the monotonic clock for the remaining wall-clock time, then rechecks
/// the wall clock and sleeps again if it was stepped backwards meanwhile, so it never returns
/// early. If the wall clock is stepped forward it returns late by at most the remaining sleep;
/// the scheduler then drops ticks older than ``CronLimits/lateTickExpiry``.
public struct SystemCronClock: CronClock {
    public init() {}

    public var now: CronInstant {
        let seconds = Date.now.timeIntervalSince1970
        let whole = seconds.rounded(.down)
        return CronInstant(sinceEpoch: .seconds(Int64(whole)) + .nanoseconds(Int64((seconds - whole) * 1e9)))
    }

    public func sleep(until deadline: CronInstant) async throws {
        while true {
            let remaining = now.duration(to: deadline)
            if remaining <= .zero { return }
            try await Task.sleep(for: remaining, tolerance: .zero, clock: .continuous)
        }
    }
}

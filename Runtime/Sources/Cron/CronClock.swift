/// The scheduler's only source of time. Production uses ``SystemCronClock``; tests use
/// ``ManualCronClock`` and never wait in real time.
public protocol CronClock: Sendable {
    /// The current instant on the UTC time line.
    var now: CronInstant { get }

    /// Suspends until `now >= deadline`. Returns at once if the deadline has passed.
    /// - Throws: `CancellationError` if the calling task is cancelled first.
    func sleep(until deadline: CronInstant) async throws
}

extension CronClock {
    /// Suspends for `duration` from now.
    public func sleep(for duration: Duration) async throws {
        try await sleep(until: now.advanced(by: duration))
    }
}

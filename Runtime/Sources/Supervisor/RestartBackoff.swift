/// How long to wait before restarting a worker that exited, from how long it had lived: a worker that
/// dies young again and again is restarted ever more slowly (a crash loop must not burn the CPU or
/// flood the log); one that lived a while is restarted at once. Pure: times are passed in.
public struct RestartBackoff: Sendable, Equatable {
    /// A worker that lived at least this long resets the count of quick crashes.
    public static let stableAfter: Duration = .seconds(10)
    /// The first delay after a quick crash, doubled for each further one.
    public static let firstDelay: Duration = .milliseconds(100)
    /// The longest delay.
    public static let maxDelay: Duration = .seconds(5)

    /// Quick crashes in a row.
    public private(set) var quickCrashes = 0

    public init() {}

    /// Records an exit after `lifetime` and returns the delay before the restart.
    public mutating func delay(afterLifetime lifetime: Duration) -> Duration {
        if lifetime >= Self.stableAfter {
            quickCrashes = 0
            return .zero
        }
        quickCrashes += 1
        if quickCrashes == 1 { return .zero }
        var d = Self.firstDelay
        for _ in 2..<quickCrashes {
            d = d * 2
            if d >= Self.maxDelay { return Self.maxDelay }
        }
        return min(d, Self.maxDelay)
    }
}

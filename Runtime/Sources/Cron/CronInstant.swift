/// A point in time on the UTC time line, the one time type of the `Cron` module.
///
/// Representation: the exact `Duration` elapsed since the Unix epoch, 1970-01-01T00:00:00Z
/// (negative before it). `Duration` keeps seconds in 64 bits plus attoseconds, so an instant is
/// exact to the attosecond and the range covers every year cron math can reach. Leap seconds do
/// not exist on this time line (POSIX time), the same convention as `date +%s` and as Vercel's
/// and Deno's schedulers.
///
/// Schedule math never reads a clock: ``CronExpression/nextDate(after:)`` maps one instant to
/// another. Only a ``CronClock`` says what "now" is.
public struct CronInstant: Sendable, Hashable, Comparable, InstantProtocol, CustomStringConvertible {
    /// Time elapsed since 1970-01-01T00:00:00Z.
    public var sinceEpoch: Duration

    /// The instant `sinceEpoch` after 1970-01-01T00:00:00Z.
    public init(sinceEpoch: Duration) {
        self.sinceEpoch = sinceEpoch
    }

    /// The instant a whole number of seconds after (or before, when negative) the epoch.
    public init(secondsSinceEpoch: Int64) {
        self.sinceEpoch = .seconds(secondsSinceEpoch)
    }

    /// The Unix epoch, 1970-01-01T00:00:00Z.
    public static let epoch = CronInstant(sinceEpoch: .zero)

    /// Whole seconds since the epoch, rounded toward negative infinity (so -0.5 s is -1).
    public var secondsSinceEpoch: Int64 {
        let (seconds, attoseconds) = sinceEpoch.components
        return attoseconds < 0 ? seconds - 1 : seconds
    }

    /// The fraction of the current second, in `0 ..< 1 s`.
    public var subsecond: Duration {
        sinceEpoch - .seconds(secondsSinceEpoch)
    }

    public func advanced(by duration: Duration) -> CronInstant {
        CronInstant(sinceEpoch: sinceEpoch + duration)
    }

    public func duration(to other: CronInstant) -> Duration {
        other.sinceEpoch - sinceEpoch
    }

    public static func < (lhs: CronInstant, rhs: CronInstant) -> Bool {
        lhs.sinceEpoch < rhs.sinceEpoch
    }

    /// ISO 8601 in UTC with milliseconds when the instant is not on a whole second,
    /// e.g. `2026-11-25T03:00:00Z` or `2026-11-25T03:00:00.012Z`.
    public var description: String {
        subsecond == .zero ? iso8601 : iso8601WithMilliseconds
    }
}

import Cron
import KV

/// Wall-clock helpers (UTC) for handlers.
public enum WallClock {
    /// Milliseconds since the Unix epoch (JavaScript's `Date.now()`).
    public static func nowMilliseconds() -> Int64 { KvClock.nowMs() }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` in UTC, as JavaScript's `Date.prototype.toISOString()`.
    public static func iso8601(epochMilliseconds ms: Int64) -> String {
        CronInstant(sinceEpoch: .milliseconds(ms)).iso8601WithMilliseconds
    }

    /// Now, as ``iso8601(epochMilliseconds:)``.
    public static func nowISO8601() -> String { iso8601(epochMilliseconds: nowMilliseconds()) }
}

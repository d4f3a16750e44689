import Cron
import Synchronization
public import EdgeRuntime

/// The two log formats: one JSON object per line (default), or `LOG_FORMAT=pretty` for humans.
/// Secrets never reach a line: request headers are not logged at all.
public enum LogFormat: Sendable {
    case json
    case pretty

    public static func from(_ env: [String: String]) -> LogFormat {
        env["LOG_FORMAT"]?.lowercased() == "pretty" ? .pretty : .json
    }
}

/// ISO-8601 UTC timestamps with milliseconds, without Foundation.
enum Timestamp {
    static func iso8601(epochMilliseconds ms: Int64) -> String {
        CronInstant(sinceEpoch: .milliseconds(ms)).iso8601WithMilliseconds
    }

    /// Now, formatted; the seconds part is cached so a busy server formats it once a second.
    static func now() -> String {
        let ms = WallClock.nowMilliseconds()
        let sec = ms / 1000
        let prefix: String = cache.withLock { c in
            if c.second == sec { return c.prefix }
            let full = iso8601(epochMilliseconds: sec * 1000)
            c = (sec, String(full.dropLast(5)))
            return c.prefix
        }
        let m = Int(ms % 1000)
        return prefix + (m < 10 ? ".00" : m < 100 ? ".0" : ".") + String(m) + "Z"
    }

    private static let cache = Mutex<(second: Int64, prefix: String)>((-1, ""))
}

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
        let secs = ms / 1000, milli = Int(ms % 1000)
        var days = secs / 86400
        let rem = Int(secs % 86400)
        // civil_from_days (Howard Hinnant)
        days += 719468
        let era = (days >= 0 ? days : days - 146096) / 146097
        let doe = days - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func p(_ v: Int, _ w: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return "\(p(Int(y), 4))-\(p(Int(m), 2))-\(p(Int(d), 2))T\(p(rem / 3600, 2)):\(p(rem / 60 % 60, 2)):\(p(rem % 60, 2)).\(p(milli, 3))Z"
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

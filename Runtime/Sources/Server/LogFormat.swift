import Synchronization
import EdgeRuntime

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
    /// Now, formatted; the seconds part is cached so a busy server formats it once a second.
    static func now() -> String {
        var out: [UInt8] = []
        out.reserveCapacity(24)
        appendNow(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends now (`2026-11-25T13:20:05.123Z`) to `out` without building a `String` (the access log's path).
    static func appendNow(to out: inout [UInt8]) {
        let ms = WallClock.nowMilliseconds()
        let sec = ms / 1000
        cache.withLock { c in
            if c.second != sec {
                c = (sec, Array(WallClock.iso8601(epochMilliseconds: sec * 1000).utf8.dropLast(5)))
            }
            out.append(contentsOf: c.prefix)
        }
        let m = Int(ms % 1000)
        out.append(UInt8(ascii: "."))
        out.append(UInt8(truncatingIfNeeded: 0x30 + m / 100))
        out.append(UInt8(truncatingIfNeeded: 0x30 + (m / 10) % 10))
        out.append(UInt8(truncatingIfNeeded: 0x30 + m % 10))
        out.append(UInt8(ascii: "Z"))
    }

    private static let cache = Mutex<(second: Int64, prefix: [UInt8])>((-1, []))
}

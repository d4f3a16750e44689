import EdgeRuntime

/// Wall-clock time as the seed's `new Date().toISOString()`.
enum VLMTime {
    static func nowMs() -> Int64 { WallClock.nowMilliseconds() }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` (UTC, millisecond precision).
    static func iso(_ ms: Int64) -> String { WallClock.iso8601(epochMilliseconds: ms) }

    static func nowISO() -> String { iso(nowMs()) }
}

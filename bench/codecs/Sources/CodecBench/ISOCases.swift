import Cron
import EdgeRuntime
import FoundationEssentials

/// `toISOString()` text (`2026-11-25T13:20:05.123Z`): ours (`WallClock.iso8601`, Cron's UTC
/// calendar math) against FoundationEssentials' `Date.ISO8601FormatStyle` with fractional seconds.
enum ISOCases {
    static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    static let base: Int64 = 1_795_000_000_000  // 2026-11-18

    static func foundation(_ ms: Int64) -> String {
        Date(timeIntervalSince1970: Double(ms) / 1000).formatted(style)
    }

    static func run(_ b: inout Bench) {
        b.run("iso8601/ours WallClock.iso8601", iterations: 200_000) { i in
            UInt64(WallClock.iso8601(epochMilliseconds: base &+ Int64(i) &* 7919).utf8.count)
        }
        b.run("iso8601/Foundation ISO8601FormatStyle", iterations: 200_000) { i in
            UInt64(foundation(base &+ Int64(i) &* 7919).utf8.count)
        }
        b.run("iso8601/ours CronInstant.iso8601 (whole s)", iterations: 200_000) { i in
            UInt64(CronInstant(sinceEpoch: .seconds(base / 1000 + Int64(i))).iso8601.utf8.count)
        }
    }

    /// Differential check over 1M instants from 1970 to 2100: how many texts differ.
    static func check() {
        var g = Seeded(state: 7)
        var differ = 0
        var example = ""
        for _ in 0..<1_000_000 {
            let ms = Int64(g.next() % 4_102_444_800_000)
            let a = WallClock.iso8601(epochMilliseconds: ms), f = foundation(ms)
            if a != f { differ += 1; if example.isEmpty { example = "\(ms): ours \(a), Foundation \(f)" } }
        }
        print("check iso8601: \(differ) of 1000000 differ\(example.isEmpty ? "" : "; e.g. " + example)")
    }
}

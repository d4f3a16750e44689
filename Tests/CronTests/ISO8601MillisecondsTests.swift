import Cron
import Testing

/// Milliseconds are exact (`toISOString()`), unlike `Date.ISO8601FormatStyle` over a `Double`
/// (Docs/Decisions/0008), which printed `.486` for this instant.
@Suite struct ISO8601MillisecondsTests {
    @Test func millisecondsAreExact() {
        #expect(CronInstant(sinceEpoch: .milliseconds(262_313_174_487)).iso8601WithMilliseconds == "1978-04-25T00:46:14.487Z")
        #expect(CronInstant(sinceEpoch: .milliseconds(1_795_000_000_001)).iso8601WithMilliseconds == "2026-11-18T11:06:40.001Z")
        #expect(CronInstant(sinceEpoch: .milliseconds(999)).iso8601WithMilliseconds == "1970-01-01T00:00:00.999Z")
    }

    /// The text as the earlier formatter wrote it (zero-padded fields, a year keeps all its digits).
    static func reference(_ ms: Int64) -> String {
        let i = CronInstant(sinceEpoch: .milliseconds(ms))
        let t = UTCDateTime(i)
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(abs(value))
            return (value < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        let (_, atto) = i.subsecond.components
        return "\(pad(t.year, 4))-\(pad(t.month, 2))-\(pad(t.day, 2))T\(pad(t.hour, 2)):\(pad(t.minute, 2)):\(pad(t.second, 2))"
            + "." + pad(Int(atto / 1_000_000_000_000_000), 3) + "Z"
    }

    @Test func everyFieldIsPaddedAsBefore() {
        var instants: [Int64] = [0, 1, 999, 1_000, 59_999, 86_399_999, 951_782_400_000, 1_733_600_000_123, 253_402_300_799_999,
                                 253_402_300_800_000, 4_102_444_800_000, 32_503_680_000_000]
        var ms: Int64 = 7
        for _ in 0..<2_000 { instants.append(ms % 400_000_000_000_000); ms = ms &* 6_364_136_223_846_793 &+ 1_442_695_040_888_963_407; if ms < 0 { ms = -ms } }
        for m in instants {
            #expect(CronInstant(sinceEpoch: .milliseconds(m)).iso8601WithMilliseconds == Self.reference(m), "\(m)")
        }
    }
}

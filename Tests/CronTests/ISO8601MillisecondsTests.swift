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
}

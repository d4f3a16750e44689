import FoundationEssentials
import Testing
@testable import Cron

/// The civil-time math the schedule math rests on, checked against fixed dates and Foundation.
@Suite struct UTCDateTimeTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00Z", 4),
        (951_782_400, "2000-02-29T00:00:00Z", 2),
        (1_709_164_800, "2024-02-29T00:00:00Z", 4),
        (1_795_575_600, "2026-11-25T03:00:00Z", 3),
        (4_107_542_399, "2100-02-28T23:59:59Z", 0),
        (4_107_542_400, "2100-03-01T00:00:00Z", 1),
        (-1, "1969-12-31T23:59:59Z", 3),
        (-2_208_988_800, "1900-01-01T00:00:00Z", 1),
    ])
    func knownInstants(seconds: Int64, iso: String, weekday: Int) {
        let instant = CronInstant(secondsSinceEpoch: seconds)
        #expect(instant.iso8601 == iso)
        #expect(UTCDateTime(instant).weekday == weekday)
        #expect(UTCDateTime(instant).instant == instant)
        #expect(CronInstant(iso8601: iso) == instant)
    }

    @Test func daysRoundTripAndWeekdaysAdvanceByOne() {
        var previousWeekday = UTCDateTime.weekday(ofDays: -800_000)
        for days in stride(from: Int64(-800_000), through: 800_000, by: 7) {
            let (y, m, d) = UTCDateTime.civil(fromDays: days)
            #expect(UTCDateTime.days(fromYear: y, month: m, day: d) == days)
            #expect((1...12).contains(m) && (1...UTCDateTime.daysInMonth(m, year: y)).contains(d))
            #expect(UTCDateTime.weekday(ofDays: days) == previousWeekday)
            previousWeekday = UTCDateTime.weekday(ofDays: days)
        }
    }

    @Test func leapYearRule() {
        #expect(UTCDateTime.isLeapYear(2000))
        #expect(UTCDateTime.isLeapYear(2024))
        #expect(!UTCDateTime.isLeapYear(2100))
        #expect(!UTCDateTime.isLeapYear(2026))
        #expect(UTCDateTime.daysInMonth(2, year: 2028) == 29)
        #expect(UTCDateTime.daysInMonth(2, year: 2100) == 28)
        #expect((1...12).map { UTCDateTime.daysInMonth($0, year: 2026) }.reduce(0, +) == 365)
    }

    @Test func agreesWithFoundationOnASpreadOfInstants() {
        var generator = SplitMix64(seed: 7)
        for _ in 0..<2000 {
            let seconds = Int64(generator.next() % 8_000_000_000) - 2_000_000_000
            let expected = Date(timeIntervalSince1970: Double(seconds)).formatted(.iso8601)
            #expect(CronInstant(secondsSinceEpoch: seconds).iso8601 == expected)
        }
    }

    @Test func fractionalInstantsFloorAndFormatMilliseconds() throws {
        let instant = try #require(CronInstant(iso8601: "2026-11-25T03:00:00.0129Z"))
        #expect(instant.secondsSinceEpoch == 1_795_575_600)
        #expect(instant.subsecond == .microseconds(12_900))
        #expect(instant.iso8601WithMilliseconds == "2026-11-25T03:00:00.012Z")
        #expect(instant.iso8601 == "2026-11-25T03:00:00Z")
        #expect(instant.description == "2026-11-25T03:00:00.012Z")
        let beforeEpoch = CronInstant(sinceEpoch: .milliseconds(-500))
        #expect(beforeEpoch.secondsSinceEpoch == -1)
        #expect(beforeEpoch.iso8601WithMilliseconds == "1969-12-31T23:59:59.500Z")
    }

    @Test(arguments: ["2026-02-29T00:00:00Z", "2026-11-25T24:00:00Z", "2026-11-25T03:00:00", "2026-11-25T03:00:00+01:00",
                      "2026-11-25 03:00Z", "2026-11-25T03:00:00.Z", "garbage"])
    func invalidISOTextIsRejected(text: String) {
        #expect(CronInstant(iso8601: text) == nil)
    }
}

/// A small deterministic random generator for property tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

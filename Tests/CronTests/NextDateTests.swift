import Testing
@testable import Cron

/// `nextDate(after:)`: fixed cases (leap years, month ends, the OR rule) and a property test
/// against a brute-force minute-by-minute reference written independently of the parser.
@Suite struct NextDateTests {
    private func next(_ expression: String, after iso: String) throws -> String {
        let e = try CronExpression(parsing: expression)
        return e.nextDate(after: try #require(CronInstant(iso8601: iso))).iso8601
    }

    @Test(arguments: [
        ("0 3 * * *", "2026-11-25T02:59:59Z", "2026-11-25T03:00:00Z"),
        ("0 3 * * *", "2026-11-25T03:00:00Z", "2026-11-26T03:00:00Z"),       // strictly after
        ("0 3 * * *", "2026-11-25T02:59:59.999Z", "2026-11-25T03:00:00Z"),
        ("0 3 * * *", "2026-11-25T03:00:00.001Z", "2026-11-26T03:00:00Z"),
        ("* * * * *", "2026-11-25T10:00:30Z", "2026-11-25T10:01:00Z"),
        ("0 0 31 * *", "2026-11-25T00:00:00Z", "2026-12-31T00:00:00Z"),       // skips 30-day November
        ("0 0 31 * *", "2026-01-31T00:00:00Z", "2026-03-31T00:00:00Z"),       // skips February
        ("0 0 30 * *", "2026-01-30T00:00:00Z", "2026-03-30T00:00:00Z"),
        ("59 23 31 12 *", "2026-12-31T23:59:00Z", "2027-12-31T23:59:00Z"),   // year rollover
        ("0 0 1 1 *", "2026-12-31T23:59:59Z", "2027-01-01T00:00:00Z"),
        ("0 0 29 2 *", "2024-02-29T00:00:00Z", "2028-02-29T00:00:00Z"),       // next leap year
        ("0 0 29 2 *", "2026-03-01T00:00:00Z", "2028-02-29T00:00:00Z"),
        ("0 0 29 2 *", "2096-03-01T00:00:00Z", "2104-02-29T00:00:00Z"),       // 2100 is not a leap year
        ("0 0 28-29 2 *", "2026-02-28T00:00:00Z", "2027-02-28T00:00:00Z"),
        ("0 0 29 2 1", "2026-11-25T00:00:00Z", "2027-02-01T00:00:00Z"),       // OR: a February Monday
        ("0 0 29 2 1", "2027-02-22T00:00:00Z", "2028-02-07T00:00:00Z"),
        ("0 0 13 * 5", "2026-11-10T00:00:00Z", "2026-11-13T00:00:00Z"),       // Friday 13th: both
        ("0 0 13 * 5", "2026-11-13T00:00:00Z", "2026-11-20T00:00:00Z"),       // next Friday
        ("0 0 13 * 5", "2026-12-05T00:00:00Z", "2026-12-11T00:00:00Z"),
        ("0 0 13 * 5", "2026-12-11T00:00:00Z", "2026-12-13T00:00:00Z"),       // the 13th, a Sunday
        ("0 0 */2 * 1", "2026-11-25T00:00:00Z", "2026-12-07T00:00:00Z"),      // AND: odd-day Mondays
        ("0 0 * * 0", "2026-11-25T00:00:00Z", "2026-11-29T00:00:00Z"),        // Sunday
        ("0 0 * * 7", "2026-11-25T00:00:00Z", "2026-11-29T00:00:00Z"),        // Sunday again
        ("0 0 * * 1", "2026-11-25T00:00:00Z", "2026-11-30T00:00:00Z"),        // Monday (Deno: Sunday)
        ("30 9 * * MON-FRI", "2026-11-27T10:00:00Z", "2026-11-30T09:30:00Z"), // Friday after -> Monday
        ("*/15 * * * *", "2026-11-25T10:44:59Z", "2026-11-25T10:45:00Z"),
        ("5,10 */6 * * *", "2026-11-25T18:10:00Z", "2026-11-26T00:05:00Z"),
        ("0 12 * JUN-AUG *", "2026-11-25T00:00:00Z", "2027-06-01T12:00:00Z"),
        ("@hourly", "2026-11-25T10:00:00Z", "2026-11-25T11:00:00Z"),
        ("@daily", "2026-11-25T10:00:00Z", "2026-11-26T00:00:00Z"),
        ("@weekly", "2026-11-25T10:00:00Z", "2026-11-29T00:00:00Z"),
        ("@monthly", "2026-11-25T10:00:00Z", "2026-12-01T00:00:00Z"),
        ("@yearly", "2026-11-25T10:00:00Z", "2027-01-01T00:00:00Z"),
        ("0 0 * * *", "1969-12-31T12:00:00Z", "1970-01-01T00:00:00Z"),        // before the epoch
        // Six fields: a seconds field first.
        ("* * * * * *", "2026-11-25T10:00:30Z", "2026-11-25T10:00:31Z"),
        ("* * * * * *", "2026-11-25T10:00:30.999Z", "2026-11-25T10:00:31Z"),
        ("* * * * * *", "2026-11-25T23:59:59Z", "2026-11-26T00:00:00Z"),
        ("*/5 * * * * *", "2026-11-25T10:00:30Z", "2026-11-25T10:00:35Z"),
        ("*/5 * * * * *", "2026-11-25T10:00:57Z", "2026-11-25T10:01:00Z"),
        ("30 0 3 * * *", "2026-11-25T03:00:30Z", "2026-11-26T03:00:30Z"),       // strictly after
        ("30 0 3 * * *", "2026-11-25T02:00:00Z", "2026-11-25T03:00:30Z"),
        ("0 * * * * *", "2026-11-25T10:00:30Z", "2026-11-25T10:01:00Z"),        // = five fields
        ("10,20 59 23 31 12 *", "2026-12-31T23:59:20Z", "2027-12-31T23:59:10Z"),
    ])
    func fixedCases(expression: String, after: String, expected: String) throws {
        #expect(try next(expression, after: after) == expected)
    }

    @Test func resultIsAlwaysOnAWholeMinuteAndMatches() throws {
        let e = try CronExpression(parsing: "7,44 */5 * * *")
        var t = try #require(CronInstant(iso8601: "2026-11-25T10:00:00.5Z"))
        for _ in 0..<200 {
            let n = e.nextDate(after: t)
            #expect(n > t)
            #expect(n.subsecond == .zero && n.secondsSinceEpoch % 60 == 0)
            #expect(e.matches(n))
            t = n
        }
    }

    /// Six-field expressions against a second-by-second walk over a few hours.
    @Test(arguments: ["*/7 * * * * *", "15,45 */2 * * * *", "0-4 59 * * * *", "59 59 23 * * *", "*/20 30 9-17 * * MON-FRI"])
    func secondsAgreeWithASecondBySecondWalk(text: String) throws {
        let expression = try CronExpression(parsing: text)
        #expect(expression.hasSecondsField)
        var generator = SplitMix64(seed: UInt64(text.utf8.count))
        for _ in 0..<8 {
            let start = CronInstant(sinceEpoch: .seconds(Int64(generator.next() % 3_300_000_000) + 915_148_800)
                + .milliseconds(Int64(generator.next() % 1000)))
            var expected = start.secondsSinceEpoch + 1
            // A second-by-second walk, bounded by a day and a half (the slowest schedule fires daily
            // on weekdays: a start on Friday evening needs the walk to give up, then skip the check).
            while !expression.matches(CronInstant(secondsSinceEpoch: expected)) && expected - start.secondsSinceEpoch < 129_600 {
                expected += 1
            }
            guard expression.matches(CronInstant(secondsSinceEpoch: expected)) else { continue }
            #expect(expression.nextDate(after: start) == CronInstant(secondsSinceEpoch: expected), "\(text) after \(start)")
        }
    }

    @Test func nextDatesWalksTheSchedule() throws {
        let e = try CronExpression(parsing: "0 0 29 2 *")
        let dates = e.nextDates(after: try #require(CronInstant(iso8601: "2026-01-01T00:00:00Z")), count: 4).map(\.iso8601)
        #expect(dates == ["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z", "2036-02-29T00:00:00Z", "2040-02-29T00:00:00Z"])
    }

    /// A schedule with an independent reference: which days match, and which minutes of a day.
    struct Reference: Sendable {
        var text: String
        var day: @Sendable (_ t: UTCDateTime) -> Bool
        var time: @Sendable (_ hour: Int, _ minute: Int) -> Bool
    }

    static let references: [Reference] = [
        .init(text: "* * * * *", day: { _ in true }, time: { _, _ in true }),
        .init(text: "*/7 * * * *", day: { _ in true }, time: { _, m in m % 7 == 0 }),
        .init(text: "13 * * * *", day: { _ in true }, time: { _, m in m == 13 }),
        .init(text: "0 */5 * * *", day: { _ in true }, time: { h, m in m == 0 && h % 5 == 0 }),
        .init(text: "15-45/10 9-17 * * *", day: { _ in true }, time: { h, m in [15, 25, 35, 45].contains(m) && (9...17).contains(h) }),
        .init(text: "0 0 * * MON-FRI", day: { (1...5).contains($0.weekday) }, time: { h, m in h == 0 && m == 0 }),
        .init(text: "30 6 * * 0,6", day: { $0.weekday == 0 || $0.weekday == 6 }, time: { h, m in h == 6 && m == 30 }),
        .init(text: "0 12 * * 7", day: { $0.weekday == 0 }, time: { h, m in h == 12 && m == 0 }),
        .init(text: "0 0 1,15 * *", day: { $0.day == 1 || $0.day == 15 }, time: { h, m in h == 0 && m == 0 }),
        .init(text: "0 0 31 * *", day: { $0.day == 31 }, time: { h, m in h == 0 && m == 0 }),
        .init(text: "0 0 30 * *", day: { $0.day == 30 }, time: { h, m in h == 0 && m == 0 }),
        .init(text: "45 23 28-31 * *", day: { $0.day >= 28 }, time: { h, m in h == 23 && m == 45 }),
        .init(text: "0 0 13 * 5", day: { $0.day == 13 || $0.weekday == 5 }, time: { h, m in h == 0 && m == 0 }),
        .init(text: "0 8 1-7 * 1", day: { $0.day <= 7 || $0.weekday == 1 }, time: { h, m in h == 8 && m == 0 }),
        .init(text: "0 8 */2 * 2", day: { $0.day % 2 == 1 && $0.weekday == 2 }, time: { h, m in h == 8 && m == 0 }),
        .init(text: "0 8 * * */3", day: { $0.weekday % 3 == 0 }, time: { h, m in h == 8 && m == 0 }),
        .init(text: "59 23 * FEB,MAR *", day: { $0.month == 2 || $0.month == 3 }, time: { h, m in h == 23 && m == 59 }),
        .init(text: "0 0 29 2 *", day: { $0.day == 29 && $0.month == 2 }, time: { h, m in h == 0 && m == 0 }),
        .init(text: "0 0 29 2 1", day: { $0.month == 2 && ($0.day == 29 || $0.weekday == 1) }, time: { h, m in h == 0 && m == 0 }),
        .init(text: "0 0 1 */4 *", day: { $0.day == 1 && [1, 5, 9].contains($0.month) }, time: { h, m in h == 0 && m == 0 }),
        .init(text: "@weekly", day: { $0.weekday == 0 }, time: { h, m in h == 0 && m == 0 }),
        .init(text: "@monthly", day: { $0.day == 1 }, time: { h, m in h == 0 && m == 0 }),
    ]

    /// Walks day by day, then minute by minute within a matching day, and returns the first
    /// matching minute strictly after `instant`.
    private static func bruteForce(after instant: CronInstant, _ reference: Reference) -> CronInstant {
        let firstMinute = UTCDateTime.floorDivide(instant.secondsSinceEpoch, 60) + 1
        var day = UTCDateTime.floorDivide(firstMinute, 1440)
        while true {
            let date = UTCDateTime(CronInstant(secondsSinceEpoch: day * 86_400))
            if reference.day(date) {
                for minuteOfDay in 0..<1440 where day * 1440 + Int64(minuteOfDay) >= firstMinute {
                    if reference.time(minuteOfDay / 60, minuteOfDay % 60) {
                        return CronInstant(secondsSinceEpoch: (day * 1440 + Int64(minuteOfDay)) * 60)
                    }
                }
            }
            day += 1
        }
    }

    @Test(arguments: 0..<references.count)
    func agreesWithBruteForceReference(index: Int) throws {
        let reference = Self.references[index]
        let text = reference.text
        let expression = try CronExpression(parsing: text)
        var generator = SplitMix64(seed: UInt64(index) &+ 1)
        // Random starts between 1999 and 2105, including fractional seconds.
        for _ in 0..<40 {
            let start = CronInstant(sinceEpoch: .seconds(Int64(generator.next() % 3_300_000_000) + 915_148_800)
                + .milliseconds(Int64(generator.next() % 1000)))
            var cursor = start
            // Follow a few consecutive fires from each start.
            for _ in 0..<3 {
                let expected = Self.bruteForce(after: cursor, reference)
                let actual = expression.nextDate(after: cursor)
                #expect(actual == expected, "\(text) after \(cursor)")
                cursor = actual
            }
        }
    }
}

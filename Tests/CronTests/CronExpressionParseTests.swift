import Testing
@testable import Cron

/// Parsing: every field form, names, the day OR rule, macros, and the exact error messages.
@Suite struct CronExpressionParseTests {
    private func parse(_ text: String) throws -> CronExpression {
        try CronExpression(parsing: text)
    }

    @Test func starMatchesEveryValueOfEachField() throws {
        let e = try parse("* * * * *")
        #expect(e.minutes.members == Array(0...59))
        #expect(e.hours.members == Array(0...23))
        #expect(e.daysOfMonth.members == Array(1...31))
        #expect(e.months.members == Array(1...12))
        #expect(e.daysOfWeek.members == Array(0...6))
        #expect(!e.daysUseOrRule)
    }

    @Test(arguments: [
        ("5", [5]),
        ("0,30", [0, 30]),
        ("10-13", [10, 11, 12, 13]),
        ("*/15", [0, 15, 30, 45]),
        ("10-30/10", [10, 20, 30]),
        ("50/3", [50, 53, 56, 59]),
        ("1-5,7,*/20", [0, 1, 2, 3, 4, 5, 7, 20, 40]),
        ("59", [59]),
        ("0", [0]),
        ("07", [7]),
        ("*/59", [0, 59]),
    ])
    func minuteFieldForms(text: String, expected: [Int]) throws {
        #expect(try parse("\(text) * * * *").minutes.members == expected)
    }

    @Test func hourStepsAndRanges() throws {
        #expect(try parse("0 */6 * * *").hours.members == [0, 6, 12, 18])
        #expect(try parse("0 9-17/4 * * *").hours.members == [9, 13, 17])
        #expect(try parse("0 23 * * *").hours.members == [23])
    }

    @Test func dayOfMonthForms() throws {
        #expect(try parse("0 0 1,15,31 * *").daysOfMonth.members == [1, 15, 31])
        #expect(try parse("0 0 */10 * *").daysOfMonth.members == [1, 11, 21, 31])
        #expect(try parse("0 0 28-31 * *").daysOfMonth.members == [28, 29, 30, 31])
    }

    @Test func monthNamesAreCaseInsensitiveAndWorkInRangesAndLists() throws {
        #expect(try parse("0 0 1 JAN *").months.members == [1])
        #expect(try parse("0 0 1 jan-Mar *").months.members == [1, 2, 3])
        #expect(try parse("0 0 1 jun,DEC,2 *").months.members == [2, 6, 12])
        #expect(try parse("0 0 1 */3 *").months.members == [1, 4, 7, 10])
        #expect(try parse("0 0 1 FEB-DEC/5 *").months.members == [2, 7, 12])
    }

    @Test func dayOfWeekSevenAndZeroAreBothSunday() throws {
        #expect(try parse("0 0 * * 0").daysOfWeek.members == [0])
        #expect(try parse("0 0 * * 7").daysOfWeek.members == [0])
        #expect(try parse("0 0 * * 5-7").daysOfWeek.members == [0, 5, 6])
        #expect(try parse("0 0 * * 0-7").daysOfWeek.members == Array(0...6))
        #expect(try parse("0 0 * * SUN").daysOfWeek.members == [0])
        #expect(try parse("0 0 * * mon-FRI").daysOfWeek.members == [1, 2, 3, 4, 5])
        #expect(try parse("0 0 * * sat,sun").daysOfWeek.members == [0, 6])
        #expect(try parse("0 0 * * */2").daysOfWeek.members == [0, 2, 4, 6])
        // `a/n` runs to the field maximum, 7 = Sunday (cronie).
        #expect(try parse("0 0 * * 1/2").daysOfWeek.members == [0, 1, 3, 5])
    }

    @Test func whitespaceBetweenAndAroundFieldsIsTolerated() throws {
        let e = try parse("  0\t3   *  * \t* ")
        #expect(e.minutes.members == [0])
        #expect(e.hours.members == [3])
        #expect(e.source == "  0\t3   *  * \t* ")
    }

    @Test(arguments: [
        ("0 0 13 * 5", true),   // both restricted: OR
        ("0 0 1-31 * 1", true), // restricted by text even though it covers every day (Vixie)
        ("0 0 * * 5", false),   // day-of-month is *
        ("0 0 13 * *", false),  // day-of-week is *
        ("0 0 */2 * 1", false), // starts with *: counts as unrestricted (Vixie), so AND
        ("0 0 1 * */2", false),
    ])
    func orRuleAppliesOnlyWhenBothDayFieldsAreRestricted(text: String, usesOr: Bool) throws {
        #expect(try parse(text).daysUseOrRule == usesOr)
    }

    @Test(arguments: [
        ("@yearly", "0 0 1 1 *"), ("@annually", "0 0 1 1 *"), ("@monthly", "0 0 1 * *"),
        ("@weekly", "0 0 * * 0"), ("@daily", "0 0 * * *"), ("@midnight", "0 0 * * *"),
        ("@hourly", "0 * * * *"), ("@DAILY", "0 0 * * *"), (" @hourly ", "0 * * * *"),
    ])
    func macrosExpandToTheirFiveFieldForm(macro: String, expansion: String) throws {
        let a = try parse(macro)
        let b = try parse(expansion)
        #expect(a.minutes == b.minutes && a.hours == b.hours && a.daysOfMonth == b.daysOfMonth)
        #expect(a.months == b.months && a.daysOfWeek == b.daysOfWeek && a.daysUseOrRule == b.daysUseOrRule)
        #expect(a.source == macro)
    }

    @Test func februaryTwentyNinthIsAcceptedAndMonthEndsParse() throws {
        _ = try parse("0 0 29 2 *")
        _ = try parse("0 0 31 1,3 *")
        _ = try parse("0 0 30,31 2,4 *")  // 30 April exists
        _ = try parse("0 0 31 2 MON")     // OR rule: fires on Mondays in February
    }

    /// Invalid expressions and the exact messages users see.
    @Test(arguments: [
        ("", "expression is empty"),
        ("   ", "expression is empty"),
        ("* * * *", "expected 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), found 4"),
        ("* * * * * * *", "expected 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), found 7"),
        ("60 * * * * *", "second: 60 is out of range 0-59"),
        ("*/0 * * * * *", "second: step 0 is out of range 1-59"),
        ("x * * * * *", "second: \"x\" is not a number"),
        ("60 * * * *", "minute: 60 is out of range 0-59"),
        ("* 24 * * *", "hour: 24 is out of range 0-23"),
        ("* * 0 * *", "day-of-month: 0 is out of range 1-31"),
        ("0 0 32 * *", "day-of-month: 32 is out of range 1-31"),
        ("* * * 13 *", "month: 13 is out of range 1-12"),
        ("* * * 0 *", "month: 0 is out of range 1-12"),
        ("* * * * 8", "day-of-week: 8 is out of range 0-7"),
        ("99999999999999999999 * * * *", "minute: 99999999999999999999 is out of range 0-59"),
        ("x * * * *", "minute: \"x\" is not a number"),
        ("-5 * * * *", "minute: \"-5\" is not a number"),
        ("* * * FOO *", "month: \"FOO\" is not a number or a month name (JAN-DEC)"),
        ("* * * * FUNDAY", "day-of-week: \"FUNDAY\" is not a number or a day name (SUN-SAT)"),
        ("* * * JAN-FEBRUARY *", "month: \"FEBRUARY\" is not a number or a month name (JAN-DEC)"),
        ("* * ? * *", "day-of-month: \"?\" is not supported; use *"),
        ("* * L * *", "day-of-month: \"L\" is not a number"),
        ("* * * * 5#3", "day-of-week: \"5#3\" is not a number or a day name (SUN-SAT)"),
        ("1,,2 * * * *", "minute: empty list element in \"1,,2\""),
        ("1, * * * *", "minute: empty list element in \"1,\""),
        ("5-1 * * * *", "minute: range 5-1 is reversed (start must not be greater than end)"),
        ("* 20-4 * * *", "hour: range 20-4 is reversed (start must not be greater than end)"),
        ("* * * * FRI-MON", "day-of-week: range FRI-MON is reversed (start must not be greater than end)"),
        ("*/0 * * * *", "minute: step 0 is out of range 1-59"),
        ("*/60 * * * *", "minute: step 60 is out of range 1-59"),
        ("* */24 * * *", "hour: step 24 is out of range 1-23"),
        ("*/x * * * *", "minute: step \"x\" is not a number"),
        ("*/ * * * *", "minute: step \"\" is not a number"),
        ("*/2/3 * * * *", "minute: \"*/2/3\" has more than one step"),
        ("/5 * * * *", "minute: \"/5\" has no value before the step"),
        ("0 0 31 2 *", "day-of-month: never fires: day 31 does not occur in February"),
        ("0 0 30 2 *", "day-of-month: never fires: day 30 does not occur in February"),
        ("0 0 30,31 2 *", "day-of-month: never fires: days 30,31 do not occur in February"),
        ("0 0 31 4,6 *", "day-of-month: never fires: day 31 does not occur in April or June"),
        ("0 0 31 2,APR,sep *", "day-of-month: never fires: day 31 does not occur in February, April or September"),
        ("@reboot", "@reboot is not supported: crons run on a schedule, not at start-up"),
        ("@every5m", "unknown macro @every5m (expected @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly)"),
        ("@daily *", "macro @daily takes no fields, found 1 more"),
    ])
    func invalidExpressionsAreRejectedWithTheirMessage(text: String, message: String) {
        #expect {
            _ = try CronExpression(parsing: text)
        } throws: { error in
            guard let error = error as? CronExpressionError else { return false }
            return error.description == message && error.expression == text
        }
    }

    @Test func errorNamesTheFieldAtFault() throws {
        do {
            _ = try CronExpression(parsing: "0 0 32 * *")
            Issue.record("expected an error")
        } catch {
            #expect(error.field == .dayOfMonth)
            #expect(error.reason == "32 is out of range 1-31")
        }
        do {
            _ = try CronExpression(parsing: "* *")
            Issue.record("expected an error")
        } catch {
            #expect(error.field == nil)
        }
    }

    @Test func overlongExpressionIsRejected() {
        let text = String(repeating: "1,", count: 600) + "1 * * * *"
        #expect(throws: CronExpressionError(expression: text, field: nil, reason: "expression is longer than 1024 bytes")) {
            try CronExpression(parsing: text)
        }
    }
}

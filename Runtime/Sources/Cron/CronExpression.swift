/// A parsed cron expression, read as Vixie cron and Vercel read it. Time zone: UTC.
///
/// ```
/// ┌ minute        0-59
/// │ ┌ hour        0-23
/// │ │ ┌ day of month 1-31
/// │ │ │ ┌ month    1-12 or JAN-DEC
/// │ │ │ │ ┌ day of week 0-7 or SUN-SAT (0 and 7 are Sunday)
/// * * * * *
/// ```
///
/// **Seconds (an extension).** Six fields put a second (0-59) first, as croner, node-cron and Quartz
/// do: `*/5 * * * * *` fires every five seconds, `30 0 3 * * *` at 03:00:30. Five fields fire at second 0
/// of each matching minute. Vercel accepts five fields only; Deno.cron accepts five fields only too.
///
/// Each field is a comma-separated list of elements; an element is `*`, a number `n`, a name
/// (months and days of week, case-insensitive), a range `a-b` (`a <= b`, no wraparound), or any
/// of `*`, `a-b`, `a` followed by a step `/n` (`*/15`, `1-31/2`; `a/n` means `a-max/n`). Fields are
/// separated by spaces or tabs. The macros `@yearly` (= `@annually`), `@monthly`, `@weekly`,
/// `@daily` (= `@midnight`) and `@hourly` stand for `0 0 1 1 *`, `0 0 1 * *`, `0 0 * * 0`,
/// `0 0 * * *` and `0 * * * *`.
///
/// **Day-of-month and day-of-week (the OR rule).** As in Vixie cron, a field counts as
/// *restricted* unless its text starts with `*`. When both day fields are restricted, a day
/// matches if *either* matches (`0 0 13 * 5` fires on every 13th and on every Friday); otherwise
/// both must match (`0 0 */2 * 1` fires on Mondays that fall on odd days).
///
/// **Rejected at parse time**: anything malformed, and expressions that can never fire such as
/// `0 0 31 2 *` or `0 0 30 2 *` (Deno accepts those and crashes when it computes the next run).
/// A schedule on February 29 is valid and fires only in leap years.
///
/// **Deno.cron differs**: it numbers days of the week 1 = Sunday ... 7 = Saturday and rejects 0,
/// so `0 0 * * 1` is Monday here and in Vercel but Sunday in Deno; it has no `@` macros, and it
/// accepts `L`, `W` and `#` forms, which this parser rejects. Names (`MON`) mean the same everywhere.
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    /// The expression as written, e.g. `0 3 * * *` or `@daily`.
    public let source: String

    /// `[0]` for five-field expressions.
    let seconds: CronFieldSet
    let minutes: CronFieldSet
    let hours: CronFieldSet
    let daysOfMonth: CronFieldSet
    let months: CronFieldSet
    /// 0 = Sunday ... 6 = Saturday (a 7 in the source is stored as 0).
    let daysOfWeek: CronFieldSet
    /// True when the expression was written with six fields (a seconds field first).
    public let hasSecondsField: Bool
    /// True when both day fields are restricted, so that either one matching is enough.
    let daysUseOrRule: Bool

    /// Parses `text`. Leading and trailing whitespace is ignored.
    /// - Throws: ``CronExpressionError`` naming the field at fault and why.
    public init(parsing text: String) throws(CronExpressionError) {
        var parser = CronExpressionParser(source: text)
        let fields = try parser.parse()
        self.source = text
        self.seconds = fields.seconds
        self.hasSecondsField = fields.hasSecondsField
        self.minutes = fields.minutes
        self.hours = fields.hours
        self.daysOfMonth = fields.daysOfMonth
        self.months = fields.months
        self.daysOfWeek = fields.daysOfWeek
        self.daysUseOrRule = fields.dayOfMonthRestricted && fields.dayOfWeekRestricted
    }

    public var description: String { source }

    /// Whether the UTC second containing `instant` is one this expression fires on (for a
    /// five-field expression: second 0 of a matching minute).
    public func matches(_ instant: CronInstant) -> Bool {
        let t = UTCDateTime(instant)
        return seconds.contains(t.second) && minuteMatches(t)
    }

    /// Whether the UTC minute of `t` is one this expression fires in (the seconds field aside).
    func minuteMatches(_ t: UTCDateTime) -> Bool {
        months.contains(t.month) && dayMatches(t.year, t.month, t.day)
            && hours.contains(t.hour) && minutes.contains(t.minute)
    }

    func dayMatches(_ year: Int, _ month: Int, _ day: Int) -> Bool {
        let weekday = UTCDateTime.weekday(ofDays: UTCDateTime.days(fromYear: year, month: month, day: day))
        let domMatch = daysOfMonth.contains(day)
        let dowMatch = daysOfWeek.contains(weekday)
        return daysUseOrRule ? (domMatch || dowMatch) : (domMatch && dowMatch)
    }

    public static func == (lhs: CronExpression, rhs: CronExpression) -> Bool {
        lhs.source == rhs.source
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(source)
    }
}

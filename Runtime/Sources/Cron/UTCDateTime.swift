/// A civil (calendar) date and time in UTC, proleptic Gregorian calendar, no leap seconds.
///
/// The conversions are Howard Hinnant's `days_from_civil` / `civil_from_days`, exact for every
/// year representable here; no Foundation `Calendar` is involved.
public struct UTCDateTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    /// 1 ... 12
    public var month: Int
    /// 1 ... days in the month
    public var day: Int
    /// 0 ... 23
    public var hour: Int
    /// 0 ... 59
    public var minute: Int
    /// 0 ... 59
    public var second: Int

    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// The civil time of `instant`, dropping its fraction of a second.
    public init(_ instant: CronInstant) {
        let seconds = instant.secondsSinceEpoch
        let days = Self.floorDivide(seconds, 86_400)
        let secondOfDay = Int(seconds - days * 86_400)
        let (y, m, d) = Self.civil(fromDays: days)
        self.init(year: y, month: m, day: d, hour: secondOfDay / 3600, minute: secondOfDay / 60 % 60, second: secondOfDay % 60)
    }

    /// The instant this civil time names (fields are not range-checked; out-of-range values carry).
    public var instant: CronInstant {
        let days = Self.days(fromYear: year, month: month, day: day)
        return CronInstant(secondsSinceEpoch: days * 86_400 + Int64(hour * 3600 + minute * 60 + second))
    }

    /// Day of the week, 0 = Sunday ... 6 = Saturday.
    public var weekday: Int {
        Self.weekday(ofDays: Self.days(fromYear: year, month: month, day: day))
    }

    public static func < (lhs: UTCDateTime, rhs: UTCDateTime) -> Bool {
        (lhs.year, lhs.month, lhs.day, lhs.hour, lhs.minute, lhs.second)
            < (rhs.year, rhs.month, rhs.day, rhs.hour, rhs.minute, rhs.second)
    }

    public var description: String { instant.iso8601 }

    // MARK: Calendar math

    /// Whether `year` has a February 29 (Gregorian rule).
    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// Number of days in `month` (1 ... 12) of `year`.
    public static func daysInMonth(_ month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a civil date.
    public static func days(fromYear year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = floorDivide(y, 400)
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The civil date of a count of days since 1970-01-01.
    public static func civil(fromDays days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = floorDivide(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    /// Day of the week of a count of days since 1970-01-01 (a Thursday), 0 = Sunday.
    public static func weekday(ofDays days: Int64) -> Int {
        Int(((days % 7) + 7 + 4) % 7)
    }

    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}

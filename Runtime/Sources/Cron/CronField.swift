/// The fields of a cron expression, in the order they are written:
/// `[second] minute hour day-of-month month day-of-week` (the second comes only in six-field expressions).
public enum CronField: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case second, minute, hour, dayOfMonth, month, dayOfWeek

    /// The name used in error messages: `second`, `minute`, `hour`, `day-of-month`, `month`, `day-of-week`.
    public var description: String {
        switch self {
        case .second: "second"
        case .minute: "minute"
        case .hour: "hour"
        case .dayOfMonth: "day-of-month"
        case .month: "month"
        case .dayOfWeek: "day-of-week"
        }
    }

    /// The values a number in this field may take. Day-of-week accepts 0 ... 7, where both
    /// 0 and 7 are Sunday (Vixie cron, Vercel). Deno.cron differs: it numbers 1 = Sunday ... 7 = Saturday.
    public var bounds: ClosedRange<Int> {
        switch self {
        case .second: 0...59
        case .minute: 0...59
        case .hour: 0...23
        case .dayOfMonth: 1...31
        case .month: 1...12
        case .dayOfWeek: 0...7
        }
    }

    /// Names accepted in place of numbers (case-insensitive), mapped to their numbers.
    var names: [String: Int] {
        switch self {
        case .month:
            ["JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6,
             "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12]
        case .dayOfWeek:
            ["SUN": 0, "MON": 1, "TUE": 2, "WED": 3, "THU": 4, "FRI": 5, "SAT": 6]
        default:
            [:]
        }
    }
}

/// Turns expression text into field sets; see ``CronExpression`` for the grammar.
struct CronExpressionParser {
    struct Fields {
        /// `[0]` for five-field expressions.
        var seconds = CronFieldSet(0...0)
        var hasSecondsField = false
        var minutes = CronFieldSet()
        var hours = CronFieldSet()
        var daysOfMonth = CronFieldSet()
        var months = CronFieldSet()
        var daysOfWeek = CronFieldSet()
        var dayOfMonthRestricted = false
        var dayOfWeekRestricted = false
    }

    static let macros: [String: String] = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
        "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]

    let source: String

    init(source: String) {
        self.source = source
    }

    func fail(_ field: CronField?, _ reason: String) -> CronExpressionError {
        CronExpressionError(expression: source, field: field, reason: reason)
    }

    mutating func parse() throws(CronExpressionError) -> Fields {
        guard source.utf8.count <= CronLimits.maximumExpressionLength else {
            throw fail(nil, "expression is longer than \(CronLimits.maximumExpressionLength) bytes")
        }
        let trimmed = source.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard let first = trimmed.first else { throw fail(nil, "expression is empty") }
        var words = trimmed.map(String.init)
        if first.hasPrefix("@") {
            let name = first.lowercased()
            guard words.count == 1 else {
                throw fail(nil, "macro \(first) takes no fields, found \(words.count - 1) more")
            }
            if name == "@reboot" {
                throw fail(nil, "@reboot is not supported: crons run on a schedule, not at start-up")
            }
            guard let expansion = Self.macros[name] else {
                throw fail(nil, "unknown macro \(first) (expected @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly)")
            }
            words = expansion.split(separator: " ").map(String.init)
        }
        guard words.count == 5 || words.count == 6 else {
            throw fail(nil, "expected 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), found \(words.count)")
        }
        var fields = Fields()
        if words.count == 6 {
            fields.seconds = try parseField(words.removeFirst(), .second)
            fields.hasSecondsField = true
        }
        fields.minutes = try parseField(words[0], .minute)
        fields.hours = try parseField(words[1], .hour)
        fields.daysOfMonth = try parseField(words[2], .dayOfMonth)
        fields.months = try parseField(words[3], .month)
        var weekdays = try parseField(words[4], .dayOfWeek)
        if weekdays.contains(7) {
            weekdays.bits &= ~(1 << 7)
            weekdays.insert(0)
        }
        fields.daysOfWeek = weekdays
        fields.dayOfMonthRestricted = !words[2].hasPrefix("*")
        fields.dayOfWeekRestricted = !words[4].hasPrefix("*")
        try checkCanFire(fields)
        return fields
    }

    /// One field: a comma-separated list of elements.
    func parseField(_ text: String, _ field: CronField) throws(CronExpressionError) -> CronFieldSet {
        var set = CronFieldSet()
        for element in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !element.isEmpty else { throw fail(field, "empty list element in \"\(text)\"") }
            set.bits |= try parseElement(String(element), field).bits
        }
        return set
    }

    /// `*`, `n`, `a-b`, each optionally followed by `/step`.
    func parseElement(_ element: String, _ field: CronField) throws(CronExpressionError) -> CronFieldSet {
        let parts = element.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw fail(field, "\"\(element)\" has more than one step") }
        let base = String(parts[0])
        var range: ClosedRange<Int>
        var isSingleValue = false
        if base == "*" {
            range = field.bounds
            if field == .dayOfWeek { range = 0...6 }
        } else if base.isEmpty {
            throw fail(field, "\"\(element)\" has no value before the step")
        } else if let dash = base.firstIndex(of: "-"), dash != base.startIndex {
            let low = try value(String(base[..<dash]), field)
            let high = try value(String(base[base.index(after: dash)...]), field)
            guard low <= high else {
                throw fail(field, "range \(base) is reversed (start must not be greater than end)")
            }
            range = low...high
        } else {
            let single = try value(base, field)
            range = single...single
            isSingleValue = true
        }
        var step = 1
        if parts.count == 2 {
            let stepText = String(parts[1])
            let maximumStep = field.bounds.upperBound
            guard !stepText.isEmpty, stepText.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                throw fail(field, "step \"\(stepText)\" is not a number")
            }
            guard let parsed = Int(stepText), (1...maximumStep).contains(parsed) else {
                throw fail(field, "step \(stepText) is out of range 1-\(maximumStep)")
            }
            step = parsed
            if isSingleValue {
                // `a/n` is `a-max/n` (cronie, croner, Deno).
                let upper = field == .dayOfWeek ? 7 : field.bounds.upperBound
                range = range.lowerBound...upper
            }
        }
        return CronFieldSet(range, step: step)
    }

    /// A number or (for months and days of week) a name, range-checked.
    func value(_ text: String, _ field: CronField) throws(CronExpressionError) -> Int {
        if let named = field.names[text.uppercased()] { return named }
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            if text == "?" { throw fail(field, "\"?\" is not supported; use *") }
            switch field {
            case .month: throw fail(field, "\"\(text)\" is not a number or a month name (JAN-DEC)")
            case .dayOfWeek: throw fail(field, "\"\(text)\" is not a number or a day name (SUN-SAT)")
            default: throw fail(field, "\"\(text)\" is not a number")
            }
        }
        let bounds = field.bounds
        guard let number = Int(text), bounds.contains(number) else {
            throw fail(field, "\(text) is out of range \(bounds.lowerBound)-\(bounds.upperBound)")
        }
        return number
    }

    /// Rejects expressions whose day-of-month and month fields never meet (`0 0 30 2 *`).
    /// Only the AND case can be empty: under the OR rule any weekday eventually matches, and a
    /// valid (month, day) pair falls on every weekday in some year.
    func checkCanFire(_ fields: Fields) throws(CronExpressionError) {
        if fields.dayOfMonthRestricted && fields.dayOfWeekRestricted { return }
        let months = fields.months.members
        let days = fields.daysOfMonth.members
        // Leap year 2000: February has 29 days, the most any month can have.
        let possible = months.contains { month in days.contains { $0 <= UTCDateTime.daysInMonth(month, year: 2000) } }
        if possible { return }
        let dayList = days.map(String.init).joined(separator: ",")
        let monthNames = months.map { Self.monthNames[$0 - 1] }
        let monthList = monthNames.count == 1
            ? monthNames[0]
            : monthNames.dropLast().joined(separator: ", ") + " or " + monthNames.last!
        let subject = days.count == 1 ? "day \(dayList) does not" : "days \(dayList) do not"
        throw fail(.dayOfMonth, "never fires: \(subject) occur in \(monthList)")
    }

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July",
                             "August", "September", "October", "November", "December"]
}

extension CronExpression {
    /// The first instant strictly after `instant` at which this expression fires: always a whole
    /// UTC second (fraction zero), and for a five-field expression the start of a minute.
    ///
    /// Pure: depends on nothing but its argument. An instant exactly on a firing second yields the
    /// *next* firing second, so feeding the result back in walks the schedule one fire at a time.
    /// Always terminates: the parser rejects expressions that can never fire, and every
    /// expression it accepts fires at least once every 8 years (a February 29 schedule across a
    /// skipped leap year such as 2100).
    public func nextDate(after instant: CronInstant) -> CronInstant {
        let candidate = instant.secondsSinceEpoch + 1
        let t = UTCDateTime(CronInstant(secondsSinceEpoch: candidate))
        let minuteStart = candidate - Int64(t.second)
        if let second = seconds.first(atOrAfter: t.second), minuteMatches(t) {
            return CronInstant(secondsSinceEpoch: minuteStart + Int64(second))
        }
        let minute = firstMatchingMinute(atOrAfter: CronInstant(secondsSinceEpoch: minuteStart + 60))
        // The parser never yields an empty field, so the seconds set has a first member.
        let firstSecond = seconds.first(atOrAfter: 0) ?? 0
        return minute.advanced(by: .seconds(firstSecond))
    }

    /// The first start of a minute at or after `start` (itself the start of a minute) whose
    /// month, day, hour and minute match.
    private func firstMatchingMinute(atOrAfter start: CronInstant) -> CronInstant {
        var t = UTCDateTime(start)
        while true {
            guard months.contains(t.month) else {
                if let month = months.first(atOrAfter: t.month + 1) {
                    t = UTCDateTime(year: t.year, month: month, day: 1)
                } else {
                    t = UTCDateTime(year: t.year + 1, month: months.first(atOrAfter: 1)!, day: 1)
                }
                continue
            }
            guard dayMatches(t.year, t.month, t.day) else {
                t = Self.startOfNextDay(t)
                continue
            }
            guard let hour = hours.first(atOrAfter: t.hour) else {
                t = Self.startOfNextDay(t)
                continue
            }
            if hour != t.hour {
                t.hour = hour
                t.minute = 0
            }
            guard let minute = minutes.first(atOrAfter: t.minute) else {
                // No minute left in this hour: try the next hour (may roll into the next day).
                if t.hour == 23 {
                    t = Self.startOfNextDay(t)
                } else {
                    t.hour += 1
                    t.minute = 0
                }
                continue
            }
            t.minute = minute
            t.second = 0
            return t.instant
        }
    }

    /// The first `count` fire times after `instant`, in order.
    public func nextDates(after instant: CronInstant, count: Int) -> [CronInstant] {
        var result: [CronInstant] = []
        var cursor = instant
        for _ in 0..<max(count, 0) {
            cursor = nextDate(after: cursor)
            result.append(cursor)
        }
        return result
    }

    private static func startOfNextDay(_ t: UTCDateTime) -> UTCDateTime {
        if t.day < UTCDateTime.daysInMonth(t.month, year: t.year) {
            return UTCDateTime(year: t.year, month: t.month, day: t.day + 1)
        }
        return t.month == 12
            ? UTCDateTime(year: t.year + 1, month: 1, day: 1)
            : UTCDateTime(year: t.year, month: t.month + 1, day: 1)
    }
}

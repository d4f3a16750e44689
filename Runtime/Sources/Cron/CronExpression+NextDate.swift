extension CronExpression {
    /// The first instant strictly after `instant` at which this expression fires: always the start
    /// of a UTC minute (second and fraction zero).
    ///
    /// Pure: depends on nothing but its argument. An instant exactly on a firing minute yields the
    /// *next* firing minute, so feeding the result back in walks the schedule one fire at a time.
    /// Always terminates: the parser rejects expressions that can never fire, and every
    /// expression it accepts fires at least once every 8 years (a February 29 schedule across a
    /// skipped leap year such as 2100).
    public func nextDate(after instant: CronInstant) -> CronInstant {
        // The minute after the one containing `instant`.
        let start = CronInstant(secondsSinceEpoch: UTCDateTime.floorDivide(instant.secondsSinceEpoch, 60) * 60 + 60)
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

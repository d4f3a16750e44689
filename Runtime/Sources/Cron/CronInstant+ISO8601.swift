extension CronInstant {
    /// ISO 8601 / RFC 3339 in UTC to the whole second (fraction dropped), e.g. `2026-11-25T03:00:00Z`.
    public var iso8601: String {
        Self.format(UTCDateTime(self), milliseconds: nil)
    }

    /// ISO 8601 / RFC 3339 in UTC with exactly three fractional digits (truncated),
    /// e.g. `2026-11-25T03:00:00.012Z`.
    public var iso8601WithMilliseconds: String {
        let (_, atto) = subsecond.components
        return Self.format(UTCDateTime(self), milliseconds: Int(atto / 1_000_000_000_000_000))
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction]Z` (UTC only; `t`/`z` and a space separator accepted).
    /// Returns nil for anything else, including out-of-range fields such as February 30.
    public init?(iso8601 text: String) {
        let chars = Array(text.utf8)
        guard chars.count >= 20 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for i in range {
                guard chars[i] >= 48, chars[i] <= 57 else { return nil }
                value = value * 10 + Int(chars[i] - 48)
            }
            return value
        }
        guard chars[4] == UInt8(ascii: "-"), chars[7] == UInt8(ascii: "-"),
              [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(chars[10]),
              chars[13] == UInt8(ascii: ":"), chars[16] == UInt8(ascii: ":"),
              let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              (1...12).contains(month), (1...UTCDateTime.daysInMonth(month, year: year)).contains(day),
              hour < 24, minute < 60, second < 60
        else { return nil }
        var index = 19
        var fraction = Duration.zero
        if chars[index] == UInt8(ascii: ".") {
            index += 1
            var scale: Int64 = 100_000_000_000_000_000  // attoseconds per tenth of a second
            let start = index
            while index < chars.count, chars[index] >= 48, chars[index] <= 57 {
                fraction += .init(secondsComponent: 0, attosecondsComponent: Int64(chars[index] - 48) * scale)
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        guard index == chars.count - 1, chars[index] == UInt8(ascii: "Z") || chars[index] == UInt8(ascii: "z") else {
            return nil
        }
        let whole = UTCDateTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second).instant
        self = whole.advanced(by: fraction)
    }

    /// `YYYY-MM-DDTHH:MM:SS[.mmm]Z`, digits written into one buffer (timestamps are formatted on
    /// request paths: a JSON answer may carry several). A year outside 0...9999 keeps its sign and all
    /// its digits, each other field is zero-padded to its width.
    private static func format(_ t: UTCDateTime, milliseconds: Int?) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(24)
        func pad(_ value: Int, _ width: Int) {
            if value < 0 { out.append(UInt8(ascii: "-")) }
            let v = value.magnitude
            var digits = 1, divisor: UInt = 1
            while v / divisor >= 10 { digits += 1; divisor *= 10 }
            for _ in digits..<max(width, digits) { out.append(UInt8(ascii: "0")) }
            while divisor > 0 {
                out.append(UInt8(truncatingIfNeeded: 0x30 + (v / divisor) % 10))
                divisor /= 10
            }
        }
        pad(t.year, 4); out.append(UInt8(ascii: "-"))
        pad(t.month, 2); out.append(UInt8(ascii: "-"))
        pad(t.day, 2); out.append(UInt8(ascii: "T"))
        pad(t.hour, 2); out.append(UInt8(ascii: ":"))
        pad(t.minute, 2); out.append(UInt8(ascii: ":"))
        pad(t.second, 2)
        if let milliseconds { out.append(UInt8(ascii: ".")); pad(milliseconds, 3) }
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }
}

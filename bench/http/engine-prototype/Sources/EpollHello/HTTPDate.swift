import Glibc

/// The `date` field value (IMF-fixdate, 29 bytes), formatted once per second per loop.
struct HTTPDate {
    private(set) var bytes = [UInt8](repeating: 0x20, count: 29)
    private var second = -1

    /// Reformats if the wall-clock second changed; true when it did.
    @discardableResult
    mutating func refresh() -> Bool {
        var now = time(nil)
        guard now != second else { return false }
        second = now
        var t = tm()
        gmtime_r(&now, &t)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        var s = Array(days[Int(t.tm_wday)].utf8) + Array(", ".utf8)
        func two(_ v: Int32) { s.append(UInt8(0x30 + v / 10)); s.append(UInt8(0x30 + v % 10)) }
        two(t.tm_mday); s.append(0x20)
        s += Array(months[Int(t.tm_mon)].utf8); s.append(0x20)
        let year = Int32(t.tm_year + 1900)
        two(year / 100); two(year % 100); s.append(0x20)
        two(t.tm_hour); s.append(0x3A); two(t.tm_min); s.append(0x3A); two(t.tm_sec)
        s += Array(" GMT".utf8)
        bytes = s
        return true
    }
}

/// A 10-byte commit version, shown as 20 lowercase hex characters (`"00000000000000120000"`).
///
/// The first 8 bytes are a big-endian commit counter, the last 2 bytes are always zero for commits
/// of this store. Versionstamps are strictly increasing in commit order, shared by all mutations of
/// one commit, and survive restarts. Comparison is commit order (and equals hex string order).
public struct Versionstamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The commit counter (first 8 bytes).
    public let counter: UInt64
    /// The last 2 bytes (0 for commits of this store; parsed from user input for checks).
    public let suffix: UInt16

    public init(counter: UInt64, suffix: UInt16 = 0) {
        self.counter = counter
        self.suffix = suffix
    }

    /// Parses exactly 20 hex digits (case-insensitive, as Deno decodes them); nil otherwise.
    public init?(hex: String) {
        let u = Array(hex.utf8)
        guard u.count == 20 else { return nil }
        var c: UInt64 = 0
        var s: UInt16 = 0
        for (i, ch) in u.enumerated() {
            let v: UInt8
            switch ch {
            case 48...57: v = ch - 48
            case 97...102: v = ch - 87
            case 65...70: v = ch - 55
            default: return nil
            }
            if i < 16 { c = c << 4 | UInt64(v) } else { s = s << 4 | UInt16(v) }
        }
        counter = c
        suffix = s
    }

    /// 20 lowercase hex characters.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8](repeating: 48, count: 20)
        var c = counter
        for i in stride(from: 15, through: 0, by: -1) { out[i] = digits[Int(c & 0xF)]; c >>= 4 }
        var s = suffix
        for i in stride(from: 19, through: 16, by: -1) { out[i] = digits[Int(s & 0xF)]; s >>= 4 }
        return String(decoding: out, as: UTF8.self)
    }

    public var description: String { hex }

    /// The 10 raw bytes (big-endian counter, then suffix).
    public var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 10)
        for i in 0..<8 { out[i] = UInt8(truncatingIfNeeded: counter >> UInt64(56 - 8 * i)) }
        out[8] = UInt8(suffix >> 8)
        out[9] = UInt8(suffix & 0xFF)
        return out
    }

    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 10 else { return nil }
        let a = Array(bytes)
        var c: UInt64 = 0
        for i in 0..<8 { c = c << 8 | UInt64(a[i]) }
        self.init(counter: c, suffix: UInt16(a[8]) << 8 | UInt16(a[9]))
    }

    public static func < (a: Versionstamp, b: Versionstamp) -> Bool { (a.counter, a.suffix) < (b.counter, b.suffix) }
}

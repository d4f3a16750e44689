/// An arbitrary-precision integer, the Swift form of a JavaScript `bigint` key part or value.
///
/// Stored as a sign and a minimal big-endian magnitude (no leading zero bytes; zero has an empty
/// magnitude and is never negative). Deno's tuple encoding limits key magnitudes to 255 bytes.
public struct KvBigInt: Sendable, Hashable, Comparable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    /// True for values below zero.
    public let isNegative: Bool
    /// Big-endian magnitude without leading zero bytes.
    public let magnitude: [UInt8]

    /// Creates a value from a sign and a big-endian magnitude (leading zeros are stripped).
    public init(isNegative: Bool, magnitude: [UInt8]) {
        let trimmed = Array(magnitude.drop(while: { $0 == 0 }))
        self.magnitude = trimmed
        self.isNegative = trimmed.isEmpty ? false : isNegative
    }

    public init(_ value: Int) {
        let mag = value.magnitude
        var bytes: [UInt8] = []
        var m = UInt64(mag)
        while m > 0 { bytes.insert(UInt8(m & 0xFF), at: 0); m >>= 8 }
        self.init(isNegative: value < 0, magnitude: bytes)
    }

    public init(integerLiteral value: Int) { self.init(value) }

    /// Parses a decimal string with an optional leading `-`; nil if it is not one.
    public init?(_ text: String) {
        var digits = Substring(text)
        var negative = false
        if digits.first == "-" { negative = true; digits = digits.dropFirst() }
        guard !digits.isEmpty else { return nil }
        var mag: [UInt8] = []
        for ch in digits.utf8 {
            guard ch >= 48, ch <= 57 else { return nil }
            var carry = Int(ch - 48)
            for i in stride(from: mag.count - 1, through: 0, by: -1) {
                let v = Int(mag[i]) * 10 + carry
                mag[i] = UInt8(v & 0xFF)
                carry = v >> 8
            }
            while carry > 0 { mag.insert(UInt8(carry & 0xFF), at: 0); carry >>= 8 }
        }
        self.init(isNegative: negative, magnitude: mag)
    }

    /// The value as an `Int`, if it fits.
    public var intValue: Int? {
        guard magnitude.count <= 8 else { return nil }
        var m: UInt64 = 0
        for b in magnitude { m = m << 8 | UInt64(b) }
        if isNegative { return m <= UInt64(Int.max) + 1 ? Int(truncatingIfNeeded: 0 &- m) : nil }
        return m <= UInt64(Int.max) ? Int(m) : nil
    }

    /// Decimal text, as JavaScript's `bigint.toString()` prints it.
    public var description: String {
        if magnitude.isEmpty { return "0" }
        var mag = magnitude
        var digits: [UInt8] = []
        while !mag.isEmpty {
            var rem = 0
            var next: [UInt8] = []
            next.reserveCapacity(mag.count)
            for b in mag {
                let v = rem << 8 | Int(b)
                let q = v / 10
                rem = v % 10
                if !(next.isEmpty && q == 0) { next.append(UInt8(q)) }
            }
            digits.append(UInt8(48 + rem))
            mag = next
        }
        if isNegative { digits.append(UInt8(ascii: "-")) }
        return String(decoding: digits.reversed(), as: UTF8.self)
    }

    public static func < (a: KvBigInt, b: KvBigInt) -> Bool {
        if a.isNegative != b.isNegative { return a.isNegative }
        let magLess: Bool
        if a.magnitude.count != b.magnitude.count {
            magLess = a.magnitude.count < b.magnitude.count
        } else if a.magnitude == b.magnitude {
            return false
        } else {
            magLess = a.magnitude.lexicographicallyPrecedes(b.magnitude)
        }
        return a.isNegative ? !magLess : magLess
    }
}

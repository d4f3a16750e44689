/// A W3C trace id: 128 bits, never all zero, written as 32 lowercase hex digits.
///
/// Held as two words so that a request carries its trace id without allocating: the text is made only where
/// it is written (the access log writes the digits straight into its line).
public struct TraceID: Sendable, Hashable {
    /// The first 16 hex digits' value.
    public let high: UInt64
    /// The last 16 hex digits' value.
    public let low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Parses exactly 32 lowercase hex digits; nil for any other text or an all-zero id.
    public init?(hex digits: UnsafeBufferPointer<UInt8>) {
        guard digits.count == 32,
              let high = Self.word(UnsafeBufferPointer(rebasing: digits[0..<16])),
              let low = Self.word(UnsafeBufferPointer(rebasing: digits[16..<32])),
              high != 0 || low != 0
        else { return nil }
        self.init(high: high, low: low)
    }

    /// The 32 lowercase hex digits.
    public var hex: String {
        String(unsafeUninitializedCapacity: 32) { out in
            var pos = 0
            Self.forEachDigit(of: high) { out[pos] = $0; pos += 1 }
            Self.forEachDigit(of: low) { out[pos] = $0; pos += 1 }
            return pos
        }
    }

    /// Appends the 32 lowercase hex digits to `out`.
    public func appendHex(to out: inout [UInt8]) {
        Self.forEachDigit(of: high) { out.append($0) }
        Self.forEachDigit(of: low) { out.append($0) }
    }

    /// Calls `body` with the 16 lowercase hex digits of `word`, most significant first.
    @inline(__always)
    package static func forEachDigit(of word: UInt64, _ body: (UInt8) -> Void) {
        var shift: UInt64 = 60
        for _ in 0..<16 {
            let v = UInt8(truncatingIfNeeded: word >> shift) & 0xF
            body(v < 10 ? v &+ 0x30 : v &+ 0x57)
            shift &-= 4
        }
    }

    /// The value of 16 lowercase hex digits; nil when one is anything else.
    package static func word(_ digits: UnsafeBufferPointer<UInt8>) -> UInt64? {
        guard digits.count == 16 else { return nil }
        var value: UInt64 = 0
        for c in digits {
            let v: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c &- 0x30
            case UInt8(ascii: "a")...UInt8(ascii: "f"): v = c &- 0x57
            default: return nil
            }
            value = value << 4 | UInt64(v)
        }
        return value
    }
}

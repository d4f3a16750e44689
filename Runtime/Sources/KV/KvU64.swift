/// Deno's `KvU64`: an unsigned 64-bit integer stored as 8 little-endian bytes.
///
/// `sum` wraps modulo 2^64; `min` / `max` compare numerically. Only a top-level value keeps the
/// type when stored (as in Deno, where a nested KvU64 is cloned as a plain object).
public struct KvU64: Sendable, Hashable, Comparable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    public var value: UInt64
    public init(_ value: UInt64) { self.value = value }
    public init(integerLiteral value: UInt64) { self.value = value }

    /// Validates a bigint the way `new Deno.KvU64(n)` does (RangeError outside 0 ..< 2^64).
    public init(validating n: KvBigInt) throws(KvError) {
        if n.isNegative {
            throw KvError(.u64OutOfRange, "Value must be a positive bigint: received \(n)", jsClass: "RangeError")
        }
        guard n.magnitude.count <= 8 else {
            throw KvError(.u64OutOfRange, "Value must fit in a 64-bit unsigned integer", jsClass: "RangeError")
        }
        var m: UInt64 = 0
        for b in n.magnitude { m = m << 8 | UInt64(b) }
        value = m
    }

    public var description: String { String(value) }
    public static func < (a: KvU64, b: KvU64) -> Bool { a.value < b.value }
}

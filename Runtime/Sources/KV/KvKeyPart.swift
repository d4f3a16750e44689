/// One part of a Deno KV key.
///
/// Parts of different types never compare equal, and sort across types as
/// **bytes < string < bigint < number < false < true** (Deno's implementation order; its docs page
/// lists number before bigint, which is wrong). Within a type:
/// - `bytes`: bytewise, a shorter prefix first;
/// - `string`: by UTF-8 bytes (not by Swift `String` comparison or UTF-16 units);
/// - `bigint`: numerically, at any size up to 255 magnitude bytes;
/// - `number`: `-NaN < -Infinity < … < -0 < 0 < … < Infinity < NaN` (`-0` and `0` are distinct keys).
///
/// Literals: a Swift string literal is a `string`, an integer or float literal is a `number`
/// (a JavaScript `number` is a Double), `true`/`false` are booleans. Write a bigint as
/// `.bigint(42)` and bytes as `.bytes([0, 1])`: `["prompts", "by_id", 42]` is
/// `[.string("prompts"), .string("by_id"), .number(42)]`.
public enum KvKeyPart: Sendable, Hashable {
    case bytes([UInt8])
    case string(String)
    case bigint(KvBigInt)
    case number(Double)
    case bool(Bool)

    /// A bigint part from a Swift integer.
    public static func bigint(_ value: Int) -> KvKeyPart { .bigint(KvBigInt(value)) }

    public static func == (a: KvKeyPart, b: KvKeyPart) -> Bool {
        KeyCodec.encode(part: a) == KeyCodec.encode(part: b)
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(KeyCodec.encode(part: self)) }
}

extension KvKeyPart: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension KvKeyPart: CustomStringConvertible {
    public var description: String {
        switch self {
        case .bytes(let b): return "Uint8Array[\(b.map(String.init).joined(separator: ","))]"
        case .string(let s): return "\"\(s)\""
        case .bigint(let n): return "\(n)n"
        case .number(let d): return d == d.rounded() && abs(d) < 1e15 && !(d == 0 && d.sign == .minus) ? String(Int64(d)) : String(d)
        case .bool(let b): return String(b)
        }
    }
}

/// A Deno KV key: a (non-empty, for writes) array of parts, e.g. `["prompts", "by_id", 42]`.
public typealias KvKey = [KvKeyPart]

/// A structured-clone-like value as Deno KV stores it.
///
/// Two top-level cases have special stored encodings, as in Deno: `.bytes` is stored as raw bytes
/// and `.u64` as 8 little-endian bytes; everything else is stored in a compact binary form of
/// this tree (our stand-in for V8 serialization). Codable values stored with `set(_:_:)` are
/// kept as JSON text and read back as a `KvValue` tree of objects, arrays, strings, numbers,
/// booleans and null.
public indirect enum KvValue: Sendable, Equatable {
    case undefined
    case null
    case bool(Bool)
    case number(Double)
    case bigint(KvBigInt)
    case string(String)
    case bytes([UInt8])
    case u64(KvU64)
    case array([KvValue])
    /// An object with its members in insertion order.
    case object([Member])

    /// One named member of an object value.
    public struct Member: Sendable, Equatable {
        public var name: String
        public var value: KvValue
        public init(_ name: String, _ value: KvValue) {
            self.name = name
            self.value = value
        }
    }

    /// Looks up an object member by name.
    public subscript(member name: String) -> KvValue? {
        guard case .object(let members) = self else { return nil }
        return members.first(where: { $0.name == name })?.value
    }

    /// Deno's structured clone of a value: a `KvU64` is cloned as a plain object
    /// `{value: <bigint>}` (only a top-level KvU64 value of `set` keeps its type).
    public func structuredClone() -> KvValue {
        switch self {
        case .u64(let u): return .object([Member("value", .bigint(KvBigInt(isNegative: false, magnitude: KvStoredValue(u64: u).payload.reversed())))])
        case .array(let a): return .array(a.map { $0.structuredClone() })
        case .object(let m): return .object(m.map { Member($0.name, $0.value.structuredClone()) })
        default: return self
        }
    }

    public static func == (a: KvValue, b: KvValue) -> Bool {
        switch (a, b) {
        case (.undefined, .undefined), (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)): return x.bitPattern == y.bitPattern || x == y && x.sign == y.sign || (x.isNaN && y.isNaN)
        case (.bigint(let x), .bigint(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.bytes(let x), .bytes(let y)): return x == y
        case (.u64(let x), .u64(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)): return x == y
        default: return false
        }
    }
}

extension KvValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByNilLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(arrayLiteral elements: KvValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, KvValue)...) { self = .object(elements.map { Member($0.0, $0.1) }) }
}

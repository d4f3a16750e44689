/// A JSON document as a Swift value: request and response bodies, the KV export format, the
/// conformance protocol. The one JSON value type of the runtime.
///
/// Objects keep their members in order (``JSONObject``): a body built from a literal serializes in the
/// order it was written, and a parsed document in the order it arrived, as `JSON.stringify` does.
/// Equality ignores member order. Numbers are Doubles, as in JavaScript, and serialize as JavaScript
/// does (integers below 1e21 without a fraction or exponent).
public indirect enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// An object member (nil for a missing one or a value that is not an object).
    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    public var doubleValue: Double? { if case .number(let n) = self { return n }; return nil }
    public var numberValue: Double? { doubleValue }
    /// An integral number that `Int` holds exactly (|n| < 2^53); nil otherwise, never a trap.
    public var intValue: Int? {
        if case .number(let n) = self, n.rounded() == n, abs(n) < 9_007_199_254_740_992 { return Int(n) }
        return nil
    }
    public var boolValue: Bool? { if case .bool(let b) = self { return b }; return nil }
    public var objectValue: JSONObject? { if case .object(let o) = self { return o }; return nil }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a }; return nil }

    /// An object from a dictionary, members sorted by name (a dictionary has no order of its own, and
    /// output must not change from run to run).
    public init(_ dictionary: [String: JSONValue]) {
        self = .object(JSONObject(dictionary))
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// Members in the order written.
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(JSONObject(elements)) }
    public init(nilLiteral: ()) { self = .null }
}

import EdgeRuntime

/// A JSON value with ordered object members, for bodies whose key order should match the seed's
/// JavaScript output (`JSON.stringify` keeps insertion order) and for the pretty-printed backup.
indirect enum VLMJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case number(Double)
    case string(String)
    case array([VLMJSON])
    case object([Member])

    struct Member: Sendable, Equatable {
        var name: String
        var value: VLMJSON
        init(_ name: String, _ value: VLMJSON) { self.name = name; self.value = value }
    }

    /// Builds an ordered object from pairs.
    static func obj(_ pairs: KeyValuePairs<String, VLMJSON>) -> VLMJSON {
        .object(pairs.map { Member($0.key, $0.value) })
    }

    /// From an unordered ``JSONValue`` (keys sorted).
    init(_ v: JSONValue) {
        switch v {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .number(let n): self = (n.rounded() == n && abs(n) < 9.0e15) ? .int(Int(n)) : .number(n)
        case .string(let s): self = .string(s)
        case .array(let a): self = .array(a.map(VLMJSON.init))
        case .object(let o): self = .object(o.keys.sorted().map { Member($0, VLMJSON(o[$0]!)) })
        }
    }

    /// Compact (`JSON.stringify(v)`) or 2-space indented (`JSON.stringify(v, null, 2)`) UTF-8 text.
    func serialized(pretty: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        write(into: &out, pretty: pretty, depth: 0)
        return out
    }

    private func write(into out: inout [UInt8], pretty: Bool, depth: Int) {
        func newline(_ d: Int) {
            guard pretty else { return }
            out.append(0x0A)
            for _ in 0..<(2 * d) { out.append(0x20) }
        }
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .number(let n): JSONValue.writeNumber(n, into: &out)
        case .string(let s): VLMJSON.writeString(s, into: &out)
        case .array(let a):
            out.append(UInt8(ascii: "["))
            if a.isEmpty { out.append(UInt8(ascii: "]")); return }
            for (i, v) in a.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(depth + 1)
                v.write(into: &out, pretty: pretty, depth: depth + 1)
            }
            newline(depth)
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            if members.isEmpty { out.append(UInt8(ascii: "}")); return }
            for (i, m) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(depth + 1)
                VLMJSON.writeString(m.name, into: &out)
                out.append(UInt8(ascii: ":"))
                if pretty { out.append(0x20) }
                m.value.write(into: &out, pretty: pretty, depth: depth + 1)
            }
            newline(depth)
            out.append(UInt8(ascii: "}"))
        }
    }

    static func writeString(_ s: String, into out: inout [UInt8]) { JSONValue.writeString(s, into: &out) }
}

extension Response {
    /// A JSON response with ordered keys.
    static func vlmJSON(_ value: VLMJSON, status: HTTPResponse.Status = .ok, pretty: Bool = false) -> Response {
        .jsonBytes(value.serialized(pretty: pretty), status: status)
    }
}

/// Wall-clock time as the seed's `new Date().toISOString()`.
enum VLMTime {
    static func nowMs() -> Int64 { WallClock.nowMilliseconds() }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` (UTC, millisecond precision).
    static func iso(_ ms: Int64) -> String { WallClock.iso8601(epochMilliseconds: ms) }

    static func nowISO() -> String { iso(nowMs()) }
}

extension VLMJSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral, ExpressibleByNilLiteral {
    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .int(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(nilLiteral: ()) { self = .null }
}

package import EdgeJSON
import FoundationEssentials

/// Conversions between `KvValue` and plain JSON (used for Codable values).
///
/// Plain JSON form (lossy, for decoding into Codable types): undefined → null, bigint → decimal
/// string, u64 → exact integer, bytes → array of numbers, non-finite numbers → null.
extension KvValue {
    /// Parses JSON text into a value tree (objects keep member order).
    public init(json bytes: [UInt8]) throws(KvError) {
        self.init(plainJSON: try JSONValue.parseKv(bytes))
    }

    package init(plainJSON j: JSONValue) {
        switch j {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .number(let d): self = .number(d)
        case .string(let s): self = .string(s)
        case .array(let a): self = .array(a.map(KvValue.init(plainJSON:)))
        case .object(let m): self = .object(m.map { Member($0.0, KvValue(plainJSON: $0.1)) })
        }
    }

    /// Plain JSON text of this value.
    public func plainJSONText() -> [UInt8] {
        var out: [UInt8] = []
        writePlainJSON(to: &out)
        return out
    }

    private func writePlainJSON(to out: inout [UInt8]) {
        switch self {
        case .undefined, .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let d): out.append(contentsOf: JSONValue.format(d).utf8)
        case .bigint(let n): JSONValue.writeString(n.description, into: &out)
        case .u64(let u): out.append(contentsOf: String(u.value).utf8)
        case .string(let s): JSONValue.writeString(s, into: &out)
        case .bytes(let b): JSONValue.array(b.map { .number(Double($0)) }).write(to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, x) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                x.writePlainJSON(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (i, m) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSONValue.writeString(m.name, into: &out)
                out.append(UInt8(ascii: ":"))
                m.value.writePlainJSON(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }
}

extension KvStoredValue {
    /// Stores an Encodable value. `KvValue`, `KvU64` and `[UInt8]` keep their own encodings;
    /// anything else is stored as JSON text.
    public init(encoding value: some Encodable) throws(KvError) {
        if let v = value as? KvValue { self.init(v); return }
        if let u = value as? KvU64 { self.init(u64: u); return }
        if let b = value as? [UInt8] { self.init(encoding: .bytes, payload: b); return }
        if let d = value as? Data { self.init(encoding: .bytes, payload: Array(d)); return }
        do {
            let data = try JSONEncoder().encode(value)
            self.init(encoding: .json, payload: Array(data))
        } catch {
            throw KvError(.valueNotSerializable, "\(type(of: value)) could not be cloned: \(error)")
        }
    }

    /// Decodes the value into a Decodable type (JSON values directly, others through plain JSON).
    public func decode<T: Decodable>(as type: T.Type) throws(KvError) -> T {
        // The type test first: `decode()` parses the whole value, which only a `KvValue` caller wants
        // (a Codable record would be parsed twice, once for nothing).
        if T.self == KvValue.self, let v = try? decode() { return v as! T }
        if T.self == KvU64.self, let u = u64 { return u as! T }
        if encoding == .bytes {
            if T.self == [UInt8].self { return payload as! T }
            if T.self == Data.self { return Data(payload) as! T }
        }
        let json: [UInt8] = encoding == .json ? payload : try decode().plainJSONText()
        do {
            return try JSONDecoder().decode(T.self, from: Data(json))
        } catch {
            throw KvError(.decoding, "stored value does not decode as \(T.self): \(error)")
        }
    }
}

extension KvValue: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null; return }
        if let b = try? c.decode(Bool.self) { self = .bool(b); return }
        if let d = try? c.decode(Double.self) { self = .number(d); return }
        if let s = try? c.decode(String.self) { self = .string(s); return }
        if let a = try? c.decode([KvValue].self) { self = .array(a); return }
        let o = try c.decode([String: KvValue].self)
        self = .object(o.sorted(by: { $0.key < $1.key }).map { Member($0.key, $0.value) })
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .undefined, .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let d): try c.encode(d)
        case .bigint(let n): try c.encode(n.description)
        case .u64(let u): try c.encode(u.value)
        case .string(let s): try c.encode(s)
        case .bytes(let b): try c.encode(b)
        case .array(let a): try c.encode(a)
        case .object(let m): try c.encode(Dictionary(m.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 }))
        }
    }
}

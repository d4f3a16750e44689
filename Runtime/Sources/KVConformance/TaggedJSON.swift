package import EdgeJSON
import KV

/// The conformance kit's tagged JSON (`$bytes`, `$bigint`, `$u64`, `$f64`, `$undefined`).
enum TaggedJSON {
    static func hex(_ b: [UInt8]) -> String {
        let d = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(b.count * 2)
        for x in b { out.append(d[Int(x >> 4)]); out.append(d[Int(x & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    static func unhex(_ s: String) -> [UInt8]? {
        let u = Array(s.utf8)
        guard u.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        var i = 0
        while i < u.count {
            guard let v = UInt8(String(decoding: u[i..<(i + 2)], as: UTF8.self), radix: 16) else { return nil }
            out.append(v)
            i += 2
        }
        return out
    }

    static func f64(_ s: String) -> Double {
        switch s {
        case "NaN": return .nan
        case "-NaN": return -Double.nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        case "-0": return -0.0
        default: return Double(s) ?? .nan
        }
    }

    static let invalidPart = KvError(.invalidKeyPart, "expected string, number, bigint, ArrayBufferView, boolean")

    static func key(_ j: JSONValue?) throws(KvError) -> KvKey {
        guard let j else { throw KvError(.invalidKey, "serde_v8 error: invalid type; expected: array, got: undefined") }
        guard case .array(let parts) = j else {
            throw KvError(.invalidKey, "serde_v8 error: invalid type; expected: array, got: \(typeName(j))")
        }
        var out: KvKey = []
        for p in parts { out.append(try part(p)) }
        return out
    }

    static func typeName(_ j: JSONValue) -> String {
        switch j {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    static func part(_ j: JSONValue) throws(KvError) -> KvKeyPart {
        switch j {
        case .string(let s): return .string(s)
        case .number(let d): return .number(d)
        case .bool(let b): return .bool(b)
        case .object(let m) where m.count == 1:
            let (tag, v) = m[0]
            switch tag {
            case "$bytes": if let s = v.stringValue, let b = unhex(s) { return .bytes(b) }
            case "$bigint": if let s = v.stringValue, let n = KvBigInt(s) { return .bigint(n) }
            case "$f64": if let s = v.stringValue { return .number(f64(s)) }
            default: break
            }
            throw invalidPart
        default: throw invalidPart
        }
    }

    static func value(_ j: JSONValue) throws(KvError) -> KvValue {
        switch j {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .number(let d): return .number(d)
        case .string(let s): return .string(s)
        case .array(let a):
            var out: [KvValue] = []
            for x in a { out.append(try value(x)) }
            return .array(out)
        case .object(let m):
            if m.count == 1 {
                let (tag, v) = m[0]
                switch tag {
                case "$bytes": if let s = v.stringValue, let b = unhex(s) { return .bytes(b) }
                case "$bigint": if let s = v.stringValue, let n = KvBigInt(s) { return .bigint(n) }
                case "$f64": if let s = v.stringValue { return .number(f64(s)) }
                case "$undefined": return .undefined
                case "$u64":
                    if let s = v.stringValue, let n = KvBigInt(s) { return .u64(try KvU64(validating: n)) }
                default: break
                }
            }
            var out: [KvValue.Member] = []
            for (k, x) in m { out.append(.init(k, try value(x))) }
            return .object(out)
        }
    }

    static func number(_ d: Double) -> JSONValue {
        if d.isNaN { return .object([("$f64", .string(d.sign == .minus ? "-NaN" : "NaN"))]) }
        if d == .infinity { return .object([("$f64", .string("Infinity"))]) }
        if d == -.infinity { return .object([("$f64", .string("-Infinity"))]) }
        if d == 0 && d.sign == .minus { return .object([("$f64", .string("-0"))]) }
        return .number(d)
    }

    static func encode(_ key: KvKey) -> JSONValue {
        .array(key.map { p in
            switch p {
            case .string(let s): return .string(s)
            case .number(let d): return number(d)
            case .bool(let b): return .bool(b)
            case .bigint(let n): return .object([("$bigint", .string(n.description))])
            case .bytes(let b): return .object([("$bytes", .string(hex(b)))])
            }
        })
    }

    static func encode(_ v: KvValue) -> JSONValue {
        switch v {
        case .undefined: return .object([("$undefined", .bool(true))])
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .number(let d): return number(d)
        case .bigint(let n): return .object([("$bigint", .string(n.description))])
        case .string(let s): return .string(s)
        case .bytes(let b): return .object([("$bytes", .string(hex(b)))])
        case .u64(let u): return .object([("$u64", .string(String(u.value)))])
        case .array(let a): return .array(a.map(encode))
        case .object(let m): return .object(JSONObject(m.map { ($0.name, encode($0.value)) }))
        }
    }

    static func entry(_ e: KvEntry) -> JSONValue {
        .object([("key", encode(e.key)), ("value", e.value.map(encode) ?? .null),
                 ("versionstamp", e.versionstamp.map { .string($0.hex) } ?? .null)])
    }
}

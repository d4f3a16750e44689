package import EdgeJSON
/// The `@deno/kv-utils` JSON form of keys, values and entries, used by export/import (JSON lines).
///
/// Key part: `{"type":"string"|"number"|"bigint"|"boolean"|"Uint8Array","value":…}` (bigint as a
/// decimal string, Uint8Array as base64url without padding, number as a JSON number or one of
/// `"NaN"`, `"Infinity"`, `"-Infinity"`, `"-0"`).
/// Value: the same types plus `"null"`, `"undefined"`, `"KvU64"` (decimal string), `"Array"`
/// (array of JSON values) and `"object"` (object of JSON values).
/// Entry line: `{"key":[…],"value":{…},"versionstamp":"<20 hex>"}`.
package enum KvUtilsJSON {
    public static func key(_ key: KvKey) -> JSONValue {
        .array(key.map { part in
            switch part {
            case .string(let s): return obj("string", .string(s))
            case .number(let d): return obj("number", number(d))
            case .bigint(let n): return obj("bigint", .string(n.description))
            case .bool(let b): return obj("boolean", .bool(b))
            case .bytes(let b): return obj("Uint8Array", .string(Base64URL.encode(b, padding: false)))
            }
        })
    }

    public static func value(_ v: KvValue) -> JSONValue {
        switch v {
        case .undefined: return .object([("type", .string("undefined"))])
        case .null: return obj("null", .null)
        case .bool(let b): return obj("boolean", .bool(b))
        case .number(let d): return obj("number", number(d))
        case .bigint(let n): return obj("bigint", .string(n.description))
        case .string(let s): return obj("string", .string(s))
        case .bytes(let b): return obj("Uint8Array", .string(Base64URL.encode(b, padding: false)))
        case .u64(let u): return obj("KvU64", .string(String(u.value)))
        case .array(let a): return obj("Array", .array(a.map(value)))
        case .object(let m): return obj("object", .object(JSONObject(m.map { ($0.name, value($0.value)) })))
        }
    }

    public static func parseKey(_ j: JSONValue) throws(KvError) -> KvKey {
        guard let parts = j.arrayValue else { throw bad("key must be an array") }
        var key: KvKey = []
        for p in parts {
            guard let type = p["type"]?.stringValue, let v = p["value"] else { throw bad("key part needs type and value") }
            switch type {
            case "string": guard let s = v.stringValue else { throw bad("string part needs a string") }; key.append(.string(s))
            case "number": key.append(.number(try parseNumber(v)))
            case "bigint":
                guard let s = v.stringValue, let n = KvBigInt(s) else { throw bad("bigint part needs a decimal string") }
                key.append(.bigint(n))
            case "boolean": guard let b = v.boolValue else { throw bad("boolean part needs a boolean") }; key.append(.bool(b))
            case "Uint8Array":
                guard let s = v.stringValue, let b = Base64URL.decode(s) else { throw bad("Uint8Array part needs base64url") }
                key.append(.bytes(b))
            default: throw bad("unsupported key part type \(type)")
            }
        }
        return key
    }

    public static func parseValue(_ j: JSONValue) throws(KvError) -> KvValue {
        guard let type = j["type"]?.stringValue else { throw bad("value needs a type") }
        let v = j["value"] ?? .null
        switch type {
        case "undefined": return .undefined
        case "null": return .null
        case "boolean": guard let b = v.boolValue else { throw bad("boolean value needs a boolean") }; return .bool(b)
        case "number": return .number(try parseNumber(v))
        case "bigint": guard let s = v.stringValue, let n = KvBigInt(s) else { throw bad("bigint needs a decimal string") }; return .bigint(n)
        case "string": guard let s = v.stringValue else { throw bad("string value needs a string") }; return .string(s)
        case "Uint8Array": guard let s = v.stringValue, let b = Base64URL.decode(s) else { throw bad("Uint8Array needs base64url") }; return .bytes(b)
        case "KvU64":
            guard let s = v.stringValue, let u = UInt64(s) else { throw bad("KvU64 needs a decimal string in 0..<2^64") }
            return .u64(KvU64(u))
        case "Array":
            guard let a = v.arrayValue else { throw bad("Array needs an array") }
            var out: [KvValue] = []
            for x in a { out.append(try parseValue(x)) }
            return .array(out)
        case "object":
            guard case .object(let m) = v else { throw bad("object needs an object") }
            var out: [KvValue.Member] = []
            for (k, x) in m { out.append(.init(k, try parseValue(x))) }
            return .object(out)
        default: throw bad("unsupported value type \(type)")
        }
    }

    private static func obj(_ type: String, _ v: JSONValue) -> JSONValue { .object([("type", .string(type)), ("value", v)]) }

    private static func number(_ d: Double) -> JSONValue {
        if d.isNaN { return .string("NaN") }
        if d == .infinity { return .string("Infinity") }
        if d == -.infinity { return .string("-Infinity") }
        if d == 0 && d.sign == .minus { return .string("-0") }
        return .number(d)
    }

    private static func parseNumber(_ v: JSONValue) throws(KvError) -> Double {
        switch v {
        case .number(let d): return d
        case .string("NaN"): return .nan
        case .string("Infinity"): return .infinity
        case .string("-Infinity"): return -.infinity
        case .string("-0"): return -0.0
        default: throw bad("number needs a JSON number")
        }
    }

    private static func bad(_ m: String) -> KvError { KvError(.invalidInput, m) }
}

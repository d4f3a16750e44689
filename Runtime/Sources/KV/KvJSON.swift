/// A minimal JSON document model with an order-preserving parser and a serializer.
///
/// Used for Codable values stored as JSON, the JSON-lines export/import format, the CLI and the
/// conformance protocol. Numbers are Doubles (as in JavaScript).
package indirect enum KvJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([KvJSON])
    case object([(String, KvJSON)])

    public static func == (a: KvJSON, b: KvJSON) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// Member lookup for objects.
    public subscript(_ name: String) -> KvJSON? {
        guard case .object(let m) = self else { return nil }
        return m.first(where: { $0.0 == name })?.1
    }

    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var numberValue: Double? { if case .number(let d) = self { return d } else { return nil } }
    public var arrayValue: [KvJSON]? { if case .array(let a) = self { return a } else { return nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }

    /// Parses JSON text; throws `KvError(.invalidInput)` with the byte offset on malformed input.
    public static func parse(_ bytes: some Collection<UInt8>) throws(KvError) -> KvJSON {
        var p = JSONParser(bytes: Array(bytes))
        p.skipWS()
        let v = try p.value(depth: 0)
        p.skipWS()
        guard p.pos == p.bytes.count else { throw p.error("unexpected trailing characters") }
        return v
    }

    public static func parse(_ text: String) throws(KvError) -> KvJSON { try parse(Array(text.utf8)) }

    /// Compact JSON text. Non-finite numbers are written as `null` (JSON cannot express them).
    public var text: String {
        var out: [UInt8] = []
        write(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    public func write(to out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let d): out.append(contentsOf: KvJSON.format(d).utf8)
        case .string(let s): KvJSON.writeString(s, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, x) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                x.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (i, m) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                KvJSON.writeString(m.0, to: &out)
                out.append(UInt8(ascii: ":"))
                m.1.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Formats a number like JavaScript does for integral values (`3`, not `3.0`).
    public static func format(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        if d == d.rounded(), abs(d) < 1e21 {
            if d == 0 { return "0" }
            if abs(d) < 9.007_199_254_740_992e15 { return String(Int64(d)) }
        }
        return "\(d)"
    }

    static func writeString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        let hex = Array("0123456789abcdef".utf8)
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): out.append(contentsOf: [92, 92])
            case 10: out.append(contentsOf: [92, UInt8(ascii: "n")])
            case 13: out.append(contentsOf: [92, UInt8(ascii: "r")])
            case 9: out.append(contentsOf: [92, UInt8(ascii: "t")])
            case 0..<0x20: out.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(b >> 4)], hex[Int(b & 15)]])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

private struct JSONParser {
    let bytes: [UInt8]
    var pos = 0

    func error(_ what: String) -> KvError { KvError(.invalidInput, "invalid JSON at byte \(pos): \(what)") }

    mutating func skipWS() {
        while pos < bytes.count, bytes[pos] == 32 || bytes[pos] == 9 || bytes[pos] == 10 || bytes[pos] == 13 { pos += 1 }
    }

    mutating func literal(_ word: String, _ v: KvJSON) throws(KvError) -> KvJSON {
        let w = Array(word.utf8)
        guard bytes.count - pos >= w.count, Array(bytes[pos..<(pos + w.count)]) == w else { throw error("unexpected token") }
        pos += w.count
        return v
    }

    mutating func value(depth: Int) throws(KvError) -> KvJSON {
        guard depth < 512 else { throw error("nesting too deep") }
        guard pos < bytes.count else { throw error("unexpected end of input") }
        switch bytes[pos] {
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "["):
            pos += 1
            var items: [KvJSON] = []
            skipWS()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
            while true {
                skipWS()
                items.append(try value(depth: depth + 1))
                skipWS()
                guard pos < bytes.count else { throw error("unterminated array") }
                if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                if bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
                throw error("expected , or ]")
            }
        case UInt8(ascii: "{"):
            pos += 1
            var members: [(String, KvJSON)] = []
            skipWS()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(members) }
            while true {
                skipWS()
                guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { throw error("expected member name") }
                let name = try string()
                skipWS()
                guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw error("expected :") }
                pos += 1
                skipWS()
                members.append((name, try value(depth: depth + 1)))
                skipWS()
                guard pos < bytes.count else { throw error("unterminated object") }
                if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                if bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(members) }
                throw error("expected , or }")
            }
        default: return .number(try number())
        }
    }

    mutating func number() throws(KvError) -> Double {
        let start = pos
        while pos < bytes.count, let c = Optional(bytes[pos]),
            (c >= 48 && c <= 57) || c == UInt8(ascii: "-") || c == UInt8(ascii: "+") || c == UInt8(ascii: ".")
                || c == UInt8(ascii: "e") || c == UInt8(ascii: "E")
        {
            pos += 1
        }
        guard pos > start, let d = Double(String(decoding: bytes[start..<pos], as: UTF8.self)) else {
            pos = start
            throw error("unexpected token")
        }
        return d
    }

    mutating func hex4() throws(KvError) -> UInt32 {
        guard bytes.count - pos >= 4, let v = UInt32(String(decoding: bytes[pos..<(pos + 4)], as: UTF8.self), radix: 16) else {
            throw error("bad \\u escape")
        }
        pos += 4
        return v
    }

    mutating func string() throws(KvError) -> String {
        pos += 1
        var out: [UInt8] = []
        while true {
            guard pos < bytes.count else { throw error("unterminated string") }
            let c = bytes[pos]
            pos += 1
            if c == UInt8(ascii: "\"") { break }
            if c != 92 { out.append(c); continue }
            guard pos < bytes.count else { throw error("unterminated escape") }
            let e = bytes[pos]
            pos += 1
            switch e {
            case UInt8(ascii: "n"): out.append(10)
            case UInt8(ascii: "t"): out.append(9)
            case UInt8(ascii: "r"): out.append(13)
            case UInt8(ascii: "b"): out.append(8)
            case UInt8(ascii: "f"): out.append(12)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar), bytes.count - pos >= 6, bytes[pos] == 92, bytes[pos + 1] == UInt8(ascii: "u") {
                    pos += 2
                    let low = try hex4()
                    if (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        out.append(contentsOf: Array(String(Unicode.Scalar(0xFFFD)!).utf8))
                        scalar = low
                    }
                }
                let s = Unicode.Scalar(scalar) ?? Unicode.Scalar(0xFFFD)!
                out.append(contentsOf: Array(String(s).utf8))
            default: out.append(e)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

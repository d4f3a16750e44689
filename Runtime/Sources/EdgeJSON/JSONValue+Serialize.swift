extension JSONValue {
    /// Compact JSON text as UTF-8 bytes (`JSON.stringify(v)`).
    public var serialized: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        write(into: &out, indent: nil, depth: 0)
        return out
    }

    /// Compact text, or indented by two spaces a level (`JSON.stringify(v, null, 2)`).
    public func serialized(pretty: Bool) -> [UInt8] {
        var out: [UInt8] = []
        write(into: &out, indent: pretty ? 2 : nil, depth: 0)
        return out
    }

    /// Compact JSON text.
    public var text: String { String(decoding: serialized, as: UTF8.self) }

    /// Appends the compact text to `out`.
    public func write(to out: inout [UInt8]) { write(into: &out, indent: nil, depth: 0) }

    private func write(into out: inout [UInt8], indent: Int?, depth: Int) {
        func newline(_ d: Int) {
            guard let indent else { return }
            out.append(0x0A)
            for _ in 0..<(indent * d) { out.append(0x20) }
        }
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let n): JSONValue.writeNumber(n, into: &out)
        case .string(let s): JSONValue.writeString(s, into: &out)
        case .array(let a):
            out.append(UInt8(ascii: "["))
            if a.isEmpty { out.append(UInt8(ascii: "]")); return }
            for (i, v) in a.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(depth + 1)
                v.write(into: &out, indent: indent, depth: depth + 1)
            }
            newline(depth)
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            out.append(UInt8(ascii: "{"))
            if o.isEmpty { out.append(UInt8(ascii: "}")); return }
            for (i, m) in o.members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(depth + 1)
                JSONValue.writeString(m.key, into: &out)
                out.append(UInt8(ascii: ":"))
                if indent != nil { out.append(0x20) }
                m.value.write(into: &out, indent: indent, depth: depth + 1)
            }
            newline(depth)
            out.append(UInt8(ascii: "}"))
        }
    }

    /// An object's compact text: `members` in order, then each of `rawMembers` (JSON text already, e.g.
    /// a stored document echoed back byte for byte) whose name `members` does not use.
    public static func serializedObject(_ members: JSONObject, rawMembers: [(name: String, json: [UInt8])]) -> [UInt8] {
        var bytes = JSONValue.object(members).serialized
        guard !rawMembers.isEmpty else { return bytes }
        bytes.removeLast()  // the closing brace
        var first = members.isEmpty
        for member in rawMembers where members[member.name] == nil {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            writeString(member.name, into: &bytes)
            bytes.append(UInt8(ascii: ":"))
            bytes += member.json
        }
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }

    /// A number as JavaScript writes integers (no fraction, no exponent below 2^53); non-finite
    /// numbers, which JSON cannot express, as `null`.
    public static func format(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        if d == d.rounded(), abs(d) < 9_007_199_254_740_992 {
            return d == 0 ? "0" : String(Int64(d))
        }
        return "\(d)"
    }

    /// ``format(_:)``'s text appended to `out`; integers (every count, id and size) are written digit by
    /// digit, without a `String` in between.
    public static func writeNumber(_ n: Double, into out: inout [UInt8]) {
        if n.isFinite, n == n.rounded(), abs(n) < 9_007_199_254_740_992 {
            var v = Int64(n)
            if v == 0 { out.append(UInt8(ascii: "0")); return }
            if v < 0 { out.append(UInt8(ascii: "-")); v = -v }
            var digits: (UInt64, UInt64) = (0, 0)  // up to 16 digits, little end first, one byte each
            var count = 0
            withUnsafeMutableBytes(of: &digits) { buffer in
                while v > 0 {
                    buffer[count] = UInt8(truncatingIfNeeded: 0x30 + v % 10)
                    v /= 10
                    count += 1
                }
                while count > 0 {
                    count -= 1
                    out.append(buffer[count])
                }
            }
            return
        }
        out.append(contentsOf: format(n).utf8)
    }

    /// A JSON string literal: `"`, `\` and control characters escaped, everything else as UTF-8.
    public static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most strings (paths, ids, routes) need no escaping: copy them in one go.
        let copied: Bool? = s.utf8.withContiguousStorageIfAvailable { bytes in
            var i = 0
            while i < bytes.count {
                let b = bytes[i]
                if b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { return false }
                i &+= 1
            }
            out.append(contentsOf: bytes)
            return true
        }
        if copied == true {
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(0x5C); out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C); out.append(0x5C)
            case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
            case 0x08: out.append(0x5C); out.append(UInt8(ascii: "b"))
            case 0x0C: out.append(0x5C); out.append(UInt8(ascii: "f"))
            case 0..<0x20:
                out.append(0x5C); out.append(UInt8(ascii: "u")); out.append(0x30); out.append(0x30)
                out.append(hexDigit(byte >> 4)); out.append(hexDigit(byte & 0xF))
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// `0`-`9`, `a`-`f` for a nibble.
    private static func hexDigit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x57 + nibble }
}

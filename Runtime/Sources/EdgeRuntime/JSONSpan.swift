/// Finds the raw bytes of a top-level member in a JSON object without re-encoding it, so a value can be
/// stored and served back byte for byte (key order, number spelling and escapes preserved).
public enum JSONSpan {
    /// The byte range of `name`'s value in the top-level object `bytes`, or nil when `bytes` is not an
    /// object or has no such member. Assumes `bytes` is valid JSON (validate it first).
    public static func member(_ name: String, in bytes: [UInt8]) -> Range<Int>? {
        var i = 0
        func ws() { while i < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[i]) { i += 1 } }
        func skipString() -> Range<Int>? {
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return nil }
            let start = i
            i += 1
            while i < bytes.count {
                if bytes[i] == UInt8(ascii: "\\") { i += 2; continue }
                if bytes[i] == UInt8(ascii: "\"") { i += 1; return start..<i }
                i += 1
            }
            return nil
        }
        func skipValue() -> Bool {
            ws()
            guard i < bytes.count else { return false }
            switch bytes[i] {
            case UInt8(ascii: "\""): return skipString() != nil
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                while i < bytes.count {
                    let b = bytes[i]
                    if b == UInt8(ascii: "\"") { guard skipString() != nil else { return false }; continue }
                    if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") { depth += 1 }
                    if b == UInt8(ascii: "}") || b == UInt8(ascii: "]") {
                        depth -= 1
                        if depth == 0 { i += 1; return true }
                    }
                    i += 1
                }
                return false
            default:
                while i < bytes.count, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0A, 0x0D, 0x09].contains(bytes[i]) { i += 1 }
                return true
            }
        }
        let wanted = Array(name.utf8)
        ws()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { return nil }
        i += 1
        var found: Range<Int>? = nil
        while true {
            ws()
            guard i < bytes.count else { return found }
            if bytes[i] == UInt8(ascii: "}") { return found }
            guard let keyRange = skipString() else { return nil }
            ws()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            ws()
            let valueStart = i
            guard skipValue() else { return nil }
            // The last duplicate wins, as in JSON.parse.
            if Array(bytes[(keyRange.lowerBound + 1)..<(keyRange.upperBound - 1)]) == wanted { found = valueStart..<i }
            ws()
            if i < bytes.count, bytes[i] == UInt8(ascii: ",") { i += 1 }
        }
    }
}

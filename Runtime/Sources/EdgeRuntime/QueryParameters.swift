/// Decoded `application/x-www-form-urlencoded` pairs from a query string, in order.
public struct QueryParameters: Sendable, Sequence {
    public let pairs: [(name: String, value: String)]

    /// Parses `application/x-www-form-urlencoded` text: split on the bytes `&` (empty parts skipped) and
    /// the first `=`, as the WHATWG URL standard does (by byte, not by `Character`: a combining mark after
    /// `&` does not glue two pairs together, and nothing pays for grapheme breaking).
    public init(_ raw: String) {
        var pairs: [(String, String)] = []
        let bytes = raw.utf8
        var start = bytes.startIndex
        func add(upTo end: String.Index) {
            guard start < end else { return }
            let part = bytes[start..<end]
            if let eq = part.firstIndex(of: UInt8(ascii: "=")) {
                pairs.append((PercentDecoding.decode(Substring(part[..<eq]), plusAsSpace: true),
                              PercentDecoding.decode(Substring(part[bytes.index(after: eq)...]), plusAsSpace: true)))
            } else {
                pairs.append((PercentDecoding.decode(Substring(part), plusAsSpace: true), ""))
            }
        }
        var i = start
        while i < bytes.endIndex {
            if bytes[i] == UInt8(ascii: "&") {
                add(upTo: i)
                start = bytes.index(after: i)
            }
            i = bytes.index(after: i)
        }
        add(upTo: bytes.endIndex)
        self.pairs = pairs
    }

    /// The first value for `name`.
    public subscript(name: String) -> String? { pairs.first { $0.name == name }?.value }

    /// Every value for `name`.
    public func all(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { pairs.makeIterator() }
}

/// Percent-decoding shared by queries, paths and cookies.
package enum PercentDecoding {
    /// Decodes `%XX` escapes (invalid escapes are kept literally) and, optionally, `+` as space.
    public static func decode(_ s: Substring, plusAsSpace: Bool = false) -> String {
        if !s.utf8.contains(UInt8(ascii: "%")) && !(plusAsSpace && s.utf8.contains(UInt8(ascii: "+"))) { return String(s) }
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        var it = Array(s.utf8)[...]
        while let b = it.popFirst() {
            if b == UInt8(ascii: "%"), it.count >= 2, let h = hex(it[it.startIndex]), let l = hex(it[it.startIndex + 1]) {
                out.append(h << 4 | l)
                it = it.dropFirst(2)
            } else if plusAsSpace && b == UInt8(ascii: "+") {
                out.append(0x20)
            } else {
                out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ s: String, plusAsSpace: Bool = false) -> String { decode(s[...], plusAsSpace: plusAsSpace) }

    static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

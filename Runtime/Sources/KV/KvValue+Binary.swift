/// The `structured` stored encoding: a compact, self-describing binary form of a `KvValue` tree.
///
/// Node tags: 0 undefined, 1 null, 2 false, 3 true, 4 number (8 bytes LE IEEE bits),
/// 5 bigint (sign byte, varint length, big-endian magnitude), 6 string (varint length, UTF-8),
/// 7 bytes (varint length, bytes), 8 u64 (8 bytes LE), 9 array (varint count, items),
/// 10 object (varint count, then varint-length name and value per member).
extension KvValue {
    public func binaryEncoded() -> [UInt8] {
        var out: [UInt8] = []
        appendBinary(to: &out)
        return out
    }

    private static func appendVarint(_ v: Int, to out: inout [UInt8]) {
        var v = UInt64(v)
        while v >= 0x80 { out.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        out.append(UInt8(v))
    }

    private func appendBinary(to out: inout [UInt8]) {
        switch self {
        case .undefined: out.append(0)
        case .null: out.append(1)
        case .bool(let b): out.append(b ? 3 : 2)
        case .number(let d):
            out.append(4)
            let bits = d.bitPattern
            for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: bits >> UInt64(8 * i))) }
        case .bigint(let n):
            out.append(5)
            out.append(n.isNegative ? 1 : 0)
            Self.appendVarint(n.magnitude.count, to: &out)
            out.append(contentsOf: n.magnitude)
        case .string(let s):
            out.append(6)
            let u = Array(s.utf8)
            Self.appendVarint(u.count, to: &out)
            out.append(contentsOf: u)
        case .bytes(let b):
            out.append(7)
            Self.appendVarint(b.count, to: &out)
            out.append(contentsOf: b)
        case .u64(let u):
            out.append(8)
            for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: u.value >> UInt64(8 * i))) }
        case .array(let items):
            out.append(9)
            Self.appendVarint(items.count, to: &out)
            for x in items { x.appendBinary(to: &out) }
        case .object(let members):
            out.append(10)
            Self.appendVarint(members.count, to: &out)
            for m in members {
                let u = Array(m.name.utf8)
                Self.appendVarint(u.count, to: &out)
                out.append(contentsOf: u)
                m.value.appendBinary(to: &out)
            }
        }
    }

    /// Decodes the `structured` encoding.
    public init(binary bytes: [UInt8]) throws(KvError) {
        var reader = BinaryReader(bytes: bytes)
        self = try reader.value(depth: 0)
        guard reader.pos == bytes.count else { throw KvError(.corrupt, "trailing bytes in stored value") }
    }
}

private struct BinaryReader {
    let bytes: [UInt8]
    var pos = 0

    func bad() -> KvError { KvError(.corrupt, "corrupt stored value") }

    mutating func byte() throws(KvError) -> UInt8 {
        guard pos < bytes.count else { throw bad() }
        defer { pos += 1 }
        return bytes[pos]
    }

    mutating func varint() throws(KvError) -> Int {
        var v: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            v |= UInt64(b & 0x7F) << shift
            if b < 0x80 { break }
            shift += 7
            guard shift < 63 else { throw bad() }
        }
        guard v <= UInt64(bytes.count) else { throw bad() }
        return Int(v)
    }

    mutating func take(_ n: Int) throws(KvError) -> ArraySlice<UInt8> {
        guard bytes.count - pos >= n else { throw bad() }
        defer { pos += n }
        return bytes[pos..<(pos + n)]
    }

    mutating func le64() throws(KvError) -> UInt64 {
        var v: UInt64 = 0
        for (i, b) in try take(8).enumerated() { v |= UInt64(b) << UInt64(8 * i) }
        return v
    }

    mutating func value(depth: Int) throws(KvError) -> KvValue {
        guard depth < 1000 else { throw bad() }
        switch try byte() {
        case 0: return .undefined
        case 1: return .null
        case 2: return .bool(false)
        case 3: return .bool(true)
        case 4: return .number(Double(bitPattern: try le64()))
        case 5:
            let neg = try byte() == 1
            let n = try varint()
            return .bigint(KvBigInt(isNegative: neg, magnitude: Array(try take(n))))
        case 6:
            let n = try varint()
            return .string(String(decoding: try take(n), as: UTF8.self))
        case 7:
            let n = try varint()
            return .bytes(Array(try take(n)))
        case 8: return .u64(KvU64(try le64()))
        case 9:
            let n = try varint()
            var items: [KvValue] = []
            items.reserveCapacity(n)
            for _ in 0..<n { items.append(try value(depth: depth + 1)) }
            return .array(items)
        case 10:
            let n = try varint()
            var members: [KvValue.Member] = []
            for _ in 0..<n {
                let len = try varint()
                let name = String(decoding: try take(len), as: UTF8.self)
                members.append(.init(name, try value(depth: depth + 1)))
            }
            return .object(members)
        default: throw bad()
        }
    }
}

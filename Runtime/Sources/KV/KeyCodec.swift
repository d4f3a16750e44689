/// Deno KV's binary key encoding (the FoundationDB tuple-layer subset used by denokv).
///
/// The encoding of a key is the concatenation of its parts; each part is self-delimiting, so the
/// bytewise order of encodings is exactly Deno's key order:
///
/// | Part | Tag | Body |
/// |---|---|---|
/// | bytes | `0x01` | bytes, each `0x00` written as `0x00 0xFF`, then `0x00` |
/// | string | `0x02` | UTF-8, same escaping, then `0x00` |
/// | bigint 0 | `0x14` | none |
/// | bigint > 0, n ≤ 8 magnitude bytes | `0x14 + n` | big-endian magnitude |
/// | bigint > 0, n > 8 | `0x1D` | n, then magnitude |
/// | bigint < 0, n ≤ 8 | `0x14 - n` | one's complement of the magnitude |
/// | bigint < 0, n > 8 | `0x0B` | n XOR 0xFF, then one's complement |
/// | number | `0x21` | IEEE bits big-endian; negative: all bits inverted, else sign bit flipped; NaN canonical |
/// | false / true | `0x26` / `0x27` | none |
package enum KeyCodec {
    /// Encodes a whole key. Throws only for bigints with more than 255 magnitude bytes.
    public static func encode(_ key: KvKey) throws(KvError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(key.count * 8)
        for part in key { try append(part, to: &out) }
        return out
    }

    /// Encodes one part (bigints over 255 bytes are truncated; use `encode(_:)` to get the error).
    public static func encode(part: KvKeyPart) -> [UInt8] {
        var out: [UInt8] = []
        try? append(part, to: &out)
        return out
    }

    /// Appends the encoding of `part` to `out`.
    public static func append(_ part: KvKeyPart, to out: inout [UInt8]) throws(KvError) {
        switch part {
        case .bytes(let b):
            out.append(0x01)
            appendEscaped(b, to: &out)
        case .string(let s):
            out.append(0x02)
            var s = s
            s.withUTF8 { appendEscaped($0, to: &out) }
        case .bigint(let n):
            let m = n.magnitude
            if m.isEmpty { out.append(0x14); return }
            guard m.count <= 255 else {
                throw KvError(.invalidKeyPart, "Invalid mutation: BigUint requires more than 255 bytes to be represented")
            }
            if !n.isNegative {
                if m.count <= 8 { out.append(0x14 + UInt8(m.count)) } else { out.append(0x1D); out.append(UInt8(m.count)) }
                out.append(contentsOf: m)
            } else {
                if m.count <= 8 { out.append(0x14 - UInt8(m.count)) } else { out.append(0x0B); out.append(UInt8(m.count) ^ 0xFF) }
                for b in m { out.append(~b) }
            }
        case .number(let d):
            out.append(0x21)
            var bits = d.isNaN ? (d.sign == .minus ? 0xFFF8_0000_0000_0000 : 0x7FF8_0000_0000_0000) : d.bitPattern
            if bits & (1 << 63) != 0 { bits = ~bits } else { bits ^= 1 << 63 }
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
        case .bool(let b):
            out.append(b ? 0x27 : 0x26)
        }
    }

    private static func appendEscaped<C: Collection>(_ bytes: C, to out: inout [UInt8]) where C.Element == UInt8 {
        for b in bytes {
            out.append(b)
            if b == 0 { out.append(0xFF) }
        }
        out.append(0x00)
    }

    /// Decodes an encoded key back into parts; throws for bytes that are not a valid encoding.
    public static func decode<C: RandomAccessCollection>(_ bytes: C) throws(KvError) -> KvKey
    where C.Element == UInt8, C.Index == Int {
        var parts: KvKey = []
        var i = bytes.startIndex
        let end = bytes.endIndex
        func bad() -> KvError { KvError(.corrupt, "invalid encoded key") }
        while i < end {
            let tag = bytes[i]
            i += 1
            switch tag {
            case 0x01, 0x02:
                var body: [UInt8] = []
                while true {
                    guard i < end else { throw bad() }
                    let b = bytes[i]
                    i += 1
                    if b == 0 {
                        if i < end && bytes[i] == 0xFF { body.append(0); i += 1; continue }
                        break
                    }
                    body.append(b)
                }
                parts.append(tag == 0x01 ? .bytes(body) : .string(String(decoding: body, as: UTF8.self)))
            case 0x0B, 0x1D:
                guard i < end else { throw bad() }
                let n = Int(tag == 0x1D ? bytes[i] : bytes[i] ^ 0xFF)
                i += 1
                guard end - i >= n else { throw bad() }
                var m = Array(bytes[i..<(i + n)])
                i += n
                if tag == 0x0B { m = m.map { ~$0 } }
                parts.append(.bigint(KvBigInt(isNegative: tag == 0x0B, magnitude: m)))
            case 0x0C...0x1C:
                let n = abs(Int(tag) - 0x14)
                guard end - i >= n else { throw bad() }
                var m = Array(bytes[i..<(i + n)])
                i += n
                let negative = tag < 0x14
                if negative { m = m.map { ~$0 } }
                parts.append(.bigint(KvBigInt(isNegative: negative, magnitude: m)))
            case 0x21:
                guard end - i >= 8 else { throw bad() }
                var bits: UInt64 = 0
                for k in 0..<8 { bits = bits << 8 | UInt64(bytes[i + k]) }
                i += 8
                if bits & (1 << 63) != 0 { bits ^= 1 << 63 } else { bits = ~bits }
                parts.append(.number(Double(bitPattern: bits)))
            case 0x26: parts.append(.bool(false))
            case 0x27: parts.append(.bool(true))
            default: throw bad()
            }
        }
        return parts
    }
}

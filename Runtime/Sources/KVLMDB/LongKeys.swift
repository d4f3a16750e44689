import KV

/// Where a key lives physically, and the order-preserving scheme for keys longer than LMDB's limit.
///
/// Debian's liblmdb caps keys at 511 bytes; Deno accepts encoded keys up to 2048. Keys of at most
/// `inlineLimit` (480) bytes are stored as-is in the `data` database. A longer key K is stored in
/// the `long` database under `K[0..<480] + H(K)` (H a 16-byte hash), and the LMDB value holds the
/// full key followed by the record.
///
/// Order: every long key whose first 480 bytes equal P sorts (by full key) after every long key
/// whose 480-byte head is below P, because heads of equal length compare like the full keys. So a
/// scan of `long` visits "groups" of equal heads in key order; within a group (all keys sharing a
/// 480-byte prefix: rare, and small in practice) entries are sorted in memory by full key. A range
/// read merges the sorted `data` scan with the sorted `long` scan, which yields exactly Deno's
/// bytewise order. A range `[start, end)` seeks `long` at `start[0..<480]`: a group with a smaller
/// head cannot contain a key ≥ start. Hash collisions (two keys with equal head and hash) are
/// detected by comparing the stored full key and reported as an error, never as a wrong value.
///
/// The expiry index refers to physical keys (`Location.indexTag` + physical key), which are at
/// most 496 bytes, so index keys fit within the 511-byte limit.
enum LongKeys {
    static let inlineLimit = 480
    static let hashSize = 16

    enum Location: Equatable {
        case data([UInt8])
        case long([UInt8])

        var indexTag: UInt8 { if case .data = self { return 0 } else { return 1 } }
        var bytes: [UInt8] { switch self { case .data(let b), .long(let b): return b } }
    }

    static func location(of key: [UInt8]) -> Location {
        if key.count <= inlineLimit { return .data(key) }
        return .long(Array(key[0..<inlineLimit]) + hash(key))
    }

    /// 128-bit FNV-1a style hash (two independent 64-bit lanes).
    static func hash(_ key: [UInt8]) -> [UInt8] {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325
        var b: UInt64 = 0x6c62_272e_07bb_0142
        for x in key {
            a = (a ^ UInt64(x)) &* 0x0000_0100_0000_01B3
            b = (b ^ UInt64(x)) &* 0x0000_0100_0000_0129 ^ (b >> 29)
        }
        return RecordCodec.beUInt64(a) + RecordCodec.beUInt64(b)
    }

    /// The `long` value: full key length (2 bytes BE), full key, record.
    static func encodeLongValue(key: [UInt8], record: [UInt8]) -> [UInt8] {
        [UInt8(key.count >> 8), UInt8(key.count & 0xFF)] + key + record
    }

    /// Splits a `long` value into the full key and the record bytes.
    static func splitLongValue(_ v: UnsafeRawBufferPointer) -> (key: UnsafeRawBufferPointer, record: UnsafeRawBufferPointer) {
        let n = Int(v[0]) << 8 | Int(v[1])
        return (UnsafeRawBufferPointer(rebasing: v[2..<(2 + n)]), UnsafeRawBufferPointer(rebasing: v[(2 + n)...]))
    }
}

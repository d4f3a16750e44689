/// The records of a `MemoryKvStore`: a bytewise-ordered map of encoded keys to records, plus an
/// expiry index (`expireAt`, then key) so the sweeper finds due records without a scan.
///
/// Expired records stay in the table until swept; every read filters them (strict expiry).
struct MemoryKvTable {
    private(set) var records = MemoryKvSortedMap<KvStoredRecord>()
    /// Keys `expiryKey(expireAt, key)`; values the record keys.
    private var expiries = MemoryKvSortedMap<[UInt8]>()

    /// The stored record of `key`, expired or not.
    func record(_ key: [UInt8]) -> KvStoredRecord? { records.get(key) }

    /// Writes (or deletes, with nil) `key`, keeping the expiry index in step.
    mutating func write(_ key: [UInt8], _ record: KvStoredRecord?) {
        if let old = records.set(key, record), let e = old.expireAt { expiries.set(Self.expiryKey(e, key), nil) }
        if let e = record?.expireAt { expiries.set(Self.expiryKey(e, key), key) }
    }

    /// Up to `range.limit` live entries of `[start, end)` in key order (descending with `reverse`).
    func scan(_ range: KvReadRange, nowMs: Int64) -> [KvRawEntry] {
        guard range.limit > 0 else { return [] }
        var out: [KvRawEntry] = []
        records.forEach(start: range.start, end: range.end, reverse: range.reverse) { e in
            if !e.value.isExpired(nowMs: nowMs) {
                out.append(KvRawEntry(key: e.key[...], value: e.value.value, versionstamp: e.value.versionstamp))
            }
            return out.count < range.limit
        }
        return out
    }

    /// Number of live records in `[start, end)`.
    func countLive(start: [UInt8], end: [UInt8], nowMs: Int64) -> Int {
        var n = 0
        records.forEach(start: start, end: end) { e in
            if !e.value.isExpired(nowMs: nowMs) { n += 1 }
            return true
        }
        return n
    }

    /// Removes every record in `[start, end)`, expired or not; returns the removed keys in order
    /// and how many of them were live.
    mutating func removeRange(start: [UInt8], end: [UInt8], nowMs: Int64) -> (keys: [[UInt8]], live: Int) {
        let removed = records.removeRange(start: start, end: end)
        var live = 0
        for e in removed {
            if let at = e.value.expireAt { expiries.set(Self.expiryKey(at, e.key), nil) }
            if !e.value.isExpired(nowMs: nowMs) { live += 1 }
        }
        return (removed.map(\.key), live)
    }

    /// The earliest expiry of any record (expired or not), nil if none expires.
    var earliestExpiry: Int64? {
        guard let first = expiries.first else { return nil }
        return Self.expiryTime(first.key)
    }

    /// Deletes the records whose expiry has been reached; returns their keys.
    mutating func removeExpired(nowMs: Int64) -> [[UInt8]] {
        let end = nowMs < .max ? Self.expiryKey(nowMs + 1, []) : [UInt8](repeating: 0xFF, count: 9)
        let due = expiries.removeRange(start: [], end: end)
        for e in due { records.set(e.value, nil) }
        return due.map(\.value)
    }

    /// Expiry time (sign bit flipped, big-endian, so bytewise order is numeric order) then key.
    static func expiryKey(_ at: Int64, _ key: [UInt8]) -> [UInt8] {
        let u = UInt64(bitPattern: at) ^ (1 << 63)
        return (0..<8).map { UInt8(truncatingIfNeeded: u >> UInt64(56 - 8 * $0)) } + key
    }

    static func expiryTime(_ indexKey: [UInt8]) -> Int64 {
        var u: UInt64 = 0
        for i in 0..<8 { u = u << 8 | UInt64(indexKey[i]) }
        return Int64(bitPattern: u ^ (1 << 63))
    }
}

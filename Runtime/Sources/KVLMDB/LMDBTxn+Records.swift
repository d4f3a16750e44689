internal import CLMDB
import KV

extension LMDBTxn {
    /// The stored record of an encoded key (expired or not), or nil.
    @available(*, noasync)
    func record(_ dbs: LMDBDatabases, _ key: [UInt8]) throws(KvError) -> KvStoredRecord? {
        guard !key.isEmpty else { return nil }
        do {
            switch LongKeys.location(of: key) {
            case .data(let k):
                guard let v = try get(dbs.data, k) else { return nil }
                return try RecordCodec.decode(v)
            case .long(let k):
                guard let v = try get(dbs.long, k) else { return nil }
                let (full, rec) = LongKeys.splitLongValue(v)
                guard compareBytes(full.baseAddress, full.count, key) == 0 else {
                    throw KvError(.storage, "long-key hash collision; key cannot be stored")
                }
                return try RecordCodec.decode(rec)
            }
        } catch let e as LMDBError {
            throw KvError(e)
        } catch let e as KvError {
            throw e
        } catch {
            throw KvError(.storage, "\(error)")
        }
    }

    /// A point read with strict expiry.
    @available(*, noasync)
    func liveEntry(_ dbs: LMDBDatabases, _ key: [UInt8], nowMs: Int64) throws(KvError) -> KvRawEntry? {
        guard let r = try record(dbs, key), !r.isExpired(nowMs: nowMs) else { return nil }
        return KvRawEntry(key: key[...], value: r.value, versionstamp: r.versionstamp)
    }

    /// Reads up to `range.limit` live entries of `[start, end)` in order (merging `data` and `long`).
    @available(*, noasync)
    func scan(_ dbs: LMDBDatabases, _ range: KvReadRange, nowMs: Int64) throws(KvError) -> [KvRawEntry] {
        if let point = try pointRead(dbs, range, nowMs: nowMs) { return point }
        guard range.start.lexicographicallyPrecedes(range.end), range.limit > 0 else { return [] }
        let short = try scanData(dbs, range, nowMs: nowMs)
        if try !hasLongKeys(dbs) { return short.rawEntries }
        return try merge(short.rawEntries, try scanLong(dbs, range, nowMs: nowMs), range)
    }

    /// `scan` packed into one buffer (list iteration): with no long keys stored, the cursor pass
    /// writes straight into the batch.
    @available(*, noasync)
    func scanBatch(_ dbs: LMDBDatabases, _ range: KvReadRange, nowMs: Int64) throws(KvError) -> KvReadBatch {
        if let point = try pointRead(dbs, range, nowMs: nowMs) { return KvReadBatch(point) }
        guard range.start.lexicographicallyPrecedes(range.end), range.limit > 0 else { return .empty }
        let short = try scanData(dbs, range, nowMs: nowMs)
        if try !hasLongKeys(dbs) { return short }
        return KvReadBatch(try merge(short.rawEntries, try scanLong(dbs, range, nowMs: nowMs), range))
    }

    /// A range `[key, key+0x00)` is a point read (nil: not a point range).
    @available(*, noasync)
    private func pointRead(_ dbs: LMDBDatabases, _ range: KvReadRange, nowMs: Int64) throws(KvError) -> [KvRawEntry]? {
        guard range.end.count == range.start.count + 1, range.end.last == 0, range.end.starts(with: range.start) else { return nil }
        return try liveEntry(dbs, range.start, nowMs: nowMs).map { [$0] } ?? []
    }

    @available(*, noasync)
    private func hasLongKeys(_ dbs: LMDBDatabases) throws(KvError) -> Bool {
        do { return try entryCount(dbs.long) > 0 } catch { throw KvError(error) }
    }

    /// Merges the in-order results of `data` and `long` (each already in range order), up to `range.limit`.
    private func merge(_ short: [KvRawEntry], _ long: [KvRawEntry], _ range: KvReadRange) -> [KvRawEntry] {
        if long.isEmpty { return short }
        var out: [KvRawEntry] = []
        out.reserveCapacity(range.limit)
        var i = 0, j = 0
        while out.count < range.limit, i < short.count || j < long.count {
            let takeShort: Bool
            if i == short.count { takeShort = false } else if j == long.count { takeShort = true } else {
                let c = compareBytes(short[i].key, long[j].key)
                takeShort = range.reverse ? c > 0 : c < 0
            }
            if takeShort { out.append(short[i]); i += 1 } else { out.append(long[j]); j += 1 }
        }
        return out
    }

    @available(*, noasync)
    private func scanData(_ dbs: LMDBDatabases, _ range: KvReadRange, nowMs: Int64) throws(KvError) -> KvReadBatch {
        // All keys and values of the batch go into one buffer (one allocation per batch instead of
        // two per entry, and one reference per returned entry). No closures in the loop: captured
        // variables would cost a dynamic exclusivity check per access.
        var batch = LMDBBatchPacker(entries: range.limit)
        let c = try openCursor(dbs.data)
        var cur: (key: LMDBBytes, value: LMDBBytes)?
        if !range.reverse {
            cur = try c.seek(Array(range.start.prefix(LongKeys.inlineLimit)))
        } else {
            cur = try c.seek(Array(range.end.prefix(LongKeys.inlineLimit + 1)))
            if cur == nil { cur = try c.move(MDB_LAST) }
        }
        // The seek lands at or before the range's near bound (keys are cut to `inlineLimit` for
        // it); once one key is past that bound, every later key in scan order is too.
        var pastNearBound = false
        while let (k, v) = cur {
            if !range.reverse {
                if compareBytes(k.baseAddress, k.count, range.end) >= 0 { break }
            } else {
                if compareBytes(k.baseAddress, k.count, range.start) < 0 { break }
            }
            if !pastNearBound {
                pastNearBound = range.reverse ? compareBytes(k.baseAddress, k.count, range.end) < 0
                                              : compareBytes(k.baseAddress, k.count, range.start) >= 0
            }
            if pastNearBound, RecordCodec.isLive(v, nowMs: nowMs) {
                guard v.count >= RecordCodec.headerSize, let enc = KvStoredValue.Encoding(rawValue: v[18]) else {
                    throw KvError(.corrupt, "corrupt KV record")
                }
                batch.append(key: k, encoding: enc, payload: UnsafeRawBufferPointer(rebasing: v[RecordCodec.headerSize...]),
                             versionstamp: RecordCodec.versionstamp(v))
                if batch.count >= range.limit { break }
            }
            cur = try c.move(range.reverse ? MDB_PREV : MDB_NEXT)
        }
        return batch.build()
    }

    /// Scans `long` group by group (see `LongKeys`), returning up to `limit` live entries in order.
    @available(*, noasync)
    private func scanLong(_ dbs: LMDBDatabases, _ range: KvReadRange, nowMs: Int64) throws(KvError) -> [KvRawEntry] {
        let n = LongKeys.inlineLimit
        let startHead = Array(range.start.prefix(n))
        let endHead = Array(range.end.prefix(n))
        return try withCursor(dbs.long) { (c: borrowing LMDBCursor) throws(KvError) -> [KvRawEntry] in
            var out: [KvRawEntry] = []
            var group: [KvRawEntry] = []
            var groupHead: [UInt8]? = nil
            func flush() {
                group.sort { range.reverse ? compareBytes($0.key, $1.key) > 0 : compareBytes($0.key, $1.key) < 0 }
                for e in group where out.count < range.limit { out.append(e) }
                group.removeAll()
            }
            var cur: (key: LMDBBytes, value: LMDBBytes)?
            if !range.reverse {
                cur = try c.seek(startHead)
            } else {
                cur = try c.seek(endHead + [UInt8](repeating: 0xFF, count: LongKeys.hashSize + 1))
                if cur == nil { cur = try c.move(MDB_LAST) } else { cur = try c.move(MDB_PREV) }
            }
            while let (k, v) = cur {
                let head = Array(UnsafeRawBufferPointer(rebasing: k[0..<Swift.min(n, k.count)]))
                if head != groupHead {
                    flush()
                    if out.count >= range.limit { break }
                    if !range.reverse, compareBytes(head, endHead) > 0 { break }
                    if range.reverse, compareBytes(head, startHead) < 0 { break }
                    groupHead = head
                }
                let (full, rec) = LongKeys.splitLongValue(v)
                if compareBytes(full.baseAddress, full.count, range.start) >= 0,
                    compareBytes(full.baseAddress, full.count, range.end) < 0, RecordCodec.isLive(rec, nowMs: nowMs)
                {
                    let r = try RecordCodec.decode(rec)
                    group.append(KvRawEntry(key: Array(full)[...], value: r.value, versionstamp: r.versionstamp))
                }
                cur = try c.move(range.reverse ? MDB_PREV : MDB_NEXT)
            }
            flush()
            return out
        }
    }

    /// Visits every physical entry whose full key is in `[start, end)` (any order), with its
    /// location and raw record; stops when `body` returns false.
    @available(*, noasync)
    func forEachInRange(_ dbs: LMDBDatabases, start: [UInt8], end: [UInt8],
                        _ body: ([UInt8], LongKeys.Location, LMDBBytes) throws(KvError) -> Bool) throws(KvError) {
        guard start.lexicographicallyPrecedes(end) else { return }
        let stop = try withCursor(dbs.data) { (c: borrowing LMDBCursor) throws(KvError) -> Bool in
            var cur = try c.seek(Array(start.prefix(LongKeys.inlineLimit)))
            while let (k, v) = cur {
                if compareBytes(k.baseAddress, k.count, end) >= 0 { break }
                if compareBytes(k.baseAddress, k.count, start) >= 0 {
                    let key = Array(k)
                    if try !body(key, .data(key), v) { return true }
                }
                cur = try c.move(MDB_NEXT)
            }
            return false
        }
        if stop { return }
        let endHead = Array(end.prefix(LongKeys.inlineLimit))
        try withCursor(dbs.long) { (c: borrowing LMDBCursor) throws(KvError) in
            var cur = try c.seek(Array(start.prefix(LongKeys.inlineLimit)))
            while let (k, v) = cur {
                if compareBytes(UnsafeRawPointer(k.baseAddress), Swift.min(k.count, LongKeys.inlineLimit), endHead) > 0 { break }
                let (full, rec) = LongKeys.splitLongValue(v)
                if compareBytes(full.baseAddress, full.count, start) >= 0, compareBytes(full.baseAddress, full.count, end) < 0 {
                    if try !body(Array(full), .long(Array(k)), rec) { return }
                }
                cur = try c.move(MDB_NEXT)
            }
        }
    }
}

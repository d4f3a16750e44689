internal import CLMDB
import KV

extension LMDBStore {
    /// True if the expiry index holds an entry due at `nowMs` (read-only check).
    func sweepDue(nowMs: Int64) throws(KvError) -> Bool {
        let dbs = env.dbs
        return try env.withReadTxn { (txn: borrowing LMDBTxn) throws(KvError) -> Bool in
            try txn.withCursor(dbs.expiry) { (c: borrowing LMDBCursor) throws(KvError) -> Bool in
                guard let (k, _) = try c.move(MDB_FIRST) else { return false }
                return Int64(bitPattern: RecordCodec.readBEUInt64(k)) <= nowMs
            }
        }
    }

    /// Deletes up to 1000 expired records through the expiry index. Expired records are already
    /// invisible, so this reclaims space only; watchers of the keys are notified.
    @available(*, noasync)
    static func sweep(in w: borrowing LMDBWriteTxn, nowMs: Int64) throws(KvError) {
        let dbs = w.dbs
        // Index entries: expiry time (big-endian), a long-key flag, the physical key.
        let due = try w.txn.withCursor(dbs.expiry) { (c: borrowing LMDBCursor) throws(KvError) -> [(index: [UInt8], at: Int64)] in
            var out: [(index: [UInt8], at: Int64)] = []
            var cur = try c.move(MDB_FIRST)
            while let (k, _) = cur, out.count < 1000 {
                let at = Int64(bitPattern: RecordCodec.readBEUInt64(k))
                if at > nowMs { break }
                out.append((Array(k), at))
                cur = try c.move(MDB_NEXT)
            }
            return out
        }
        for (idx, at) in due {
            try w.delete(dbs.expiry, idx)
            let phys = Array(idx[9...])
            if idx[8] == 0 {
                // Only the header is needed: the record is still the one this index entry was for.
                guard let v = try w.get(dbs.data, phys), v.withUnsafeBytes({ RecordCodec.expireAt(UnsafeRawBufferPointer($0)) }) == at else { continue }
                try w.delete(dbs.data, phys)
                w.state.changed.append(phys)
            } else {
                guard let v = try w.get(dbs.long, phys) else { continue }
                let (fullKey, recAt): ([UInt8], Int64?) = v.withUnsafeBytes { b in
                    let (full, rec) = LongKeys.splitLongValue(b)
                    return (Array(full), RecordCodec.expireAt(rec))
                }
                guard recAt == at else { continue }
                try w.delete(dbs.long, phys)
                w.state.changed.append(fullKey)
            }
        }
    }
}

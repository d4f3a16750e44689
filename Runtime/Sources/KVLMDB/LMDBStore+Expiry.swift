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
        let due = try w.txn.withCursor(dbs.expiry) { (c: borrowing LMDBCursor) throws(KvError) -> [[UInt8]] in
            var out: [[UInt8]] = []
            var cur = try c.move(MDB_FIRST)
            while let (k, _) = cur, out.count < 1000 {
                if Int64(bitPattern: RecordCodec.readBEUInt64(k)) > nowMs { break }
                out.append(Array(k))
                cur = try c.move(MDB_NEXT)
            }
            return out
        }
        for idx in due {
            try w.delete(dbs.expiry, idx)
            let phys = Array(idx[9...])
            let at = Int64(bitPattern: idx[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
            if idx[8] == 0 {
                guard let v = try w.get(dbs.data, phys), let rec = try? RecordCodec.decode(v.withUnsafeBytes { UnsafeRawBufferPointer($0) }),
                    rec.expireAt == at else { continue }
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

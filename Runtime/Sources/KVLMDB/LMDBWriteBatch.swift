internal import CLMDB
import KV

/// Mutable state of one group-commit batch, shared by the jobs that run in its transaction.
final class BatchState {
    /// Last commit counter (read from `meta` inside the write transaction, so it is correct when
    /// several processes write to one environment).
    var counter: UInt64
    var counterDirty = false
    /// Encoded keys changed by the batch (for watchers).
    var changed: [[UInt8]] = []
    /// Earliest expiry written by the batch (for the sweeper).
    var earliestExpiry: Int64?
    var enqueued = false
    /// A fatal LMDB error (the transaction must be aborted).
    var fatal: LMDBError?

    init(counter: UInt64) { self.counter = counter }
}

/// The write transaction of a batch, as lent to one job. `~Copyable`, `noasync`, only lent to
/// synchronous closures on the writer thread: a job cannot keep it or await while holding it.
///
/// Jobs must validate everything before their first write: a job that throws a `KvError` after
/// writing would leave a partial change in the batch. (Atomic commits do this by planning with
/// `KvWritePlanner` first.)
struct LMDBWriteTxn: ~Copyable {
    let txn: LMDBTxn
    let dbs: LMDBDatabases
    let state: BatchState

    /// Allocates the next versionstamp (strictly greater than every earlier one).
    @available(*, noasync)
    func nextVersionstamp() -> Versionstamp {
        state.counter += 1
        state.counterDirty = true
        return Versionstamp(counter: state.counter)
    }

    private func fatal(_ e: LMDBError) -> KvError {
        state.fatal = e
        return KvError(e)
    }

    @available(*, noasync)
    func record(_ key: [UInt8]) throws(KvError) -> KvStoredRecord? { try txn.record(dbs, key) }

    /// Writes (or deletes, with nil) the record of an encoded key, keeping the expiry index in step.
    @available(*, noasync)
    func write(_ key: [UInt8], _ record: KvStoredRecord?) throws(KvError) {
        let loc = LongKeys.location(of: key)
        if let old = try txn.record(dbs, key), let e = old.expireAt {
            do { try txn.delete(dbs.expiry, Self.indexKey(e, loc)) } catch { throw fatal(error) }
        }
        do {
            if let record {
                let rec = RecordCodec.encode(record)
                switch loc {
                case .data(let k): try txn.put(dbs.data, k, rec)
                case .long(let k): try txn.put(dbs.long, k, LongKeys.encodeLongValue(key: key, record: rec))
                }
                if let e = record.expireAt {
                    try txn.put(dbs.expiry, Self.indexKey(e, loc), [])
                    state.earliestExpiry = Swift.min(state.earliestExpiry ?? e, e)
                }
            } else {
                switch loc {
                case .data(let k): try txn.delete(dbs.data, k)
                case .long(let k): try txn.delete(dbs.long, k)
                }
            }
        } catch { throw fatal(error) }
        state.changed.append(key)
    }

    static func indexKey(_ expireAt: Int64, _ loc: LongKeys.Location) -> [UInt8] {
        RecordCodec.beUInt64(UInt64(bitPattern: expireAt)) + [loc.indexTag] + loc.bytes
    }

    @available(*, noasync)
    func put(_ dbi: MDB_dbi, _ key: [UInt8], _ value: [UInt8]) throws(KvError) {
        do { try txn.put(dbi, key, value) } catch { throw fatal(error) }
    }

    @available(*, noasync)
    @discardableResult
    func delete(_ dbi: MDB_dbi, _ key: [UInt8]) throws(KvError) -> Bool {
        do { return try txn.delete(dbi, key) } catch { throw fatal(error) }
    }

    @available(*, noasync)
    func get(_ dbi: MDB_dbi, _ key: [UInt8]) throws(KvError) -> [UInt8]? {
        do { return try txn.get(dbi, key).map { Array($0) } } catch { throw fatal(error) }
    }
}

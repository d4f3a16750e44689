internal import CLMDB
public import KV
import Synchronization

/// The durable Deno KV store on LMDB.
///
/// - One environment per data directory (`data.mdb` + `lock.mdb`); several processes may open the
///   same directory (LMDB is multi-process safe; the versionstamp counter is read inside each
///   write transaction).
/// - Writes: one writer thread per process with group commit (see `LMDBWriter`); a commit returns
///   only after `mdb_txn_commit` (fsync) succeeded.
/// - Reads: short read-only snapshot transactions that never wait for the writer.
/// - Expiry: strict (expired records are invisible to reads and checks from the instant they
///   expire); the writer's sweeper deletes them through the expiry index.
/// - Long keys: see `LongKeys`. Queues: see `LMDBStore+Queue.swift`.
///
/// Open with `LMDBStore(path:)` or `Kv.open(path:)`; the directory is created if missing.
public final class LMDBStore: KvStore, @unchecked Sendable {
    /// Open-time settings.
    public struct Options: Sendable {
        /// Initial map size in bytes (the maximum file size until the map grows).
        public var mapSize: Int
        /// The map doubles on MDB_MAP_FULL up to this size; beyond it commits fail with `mapFull`.
        public var maxMapSize: Int
        /// The store's time: expiry, queue delays and leases (tests pass a `ManualKvClock`).
        public var clock: any KvTimeSource
        public init(mapSize: Int = 1 << 30, maxMapSize: Int = 1 << 40, clock: any KvTimeSource = KvSystemClock()) {
            self.mapSize = mapSize
            self.maxMapSize = maxMapSize
            self.clock = clock
        }
    }

    let env: LMDBEnvironment
    let writer: LMDBWriter
    let watchers = KvWatchHub()
    let queueState = Mutex<QueueState>(QueueState())
    var dbs: LMDBDatabases { env.dbs }
    public let path: String
    package let clock: any KvTimeSource

    public init(path: String, options: Options = .init()) throws(KvError) {
        self.path = path
        clock = options.clock
        env = try LMDBEnvironment(path: path, mapSize: options.mapSize, maxMapSize: options.maxMapSize)
        writer = LMDBWriter(env: env)
        writer.onCommit = { [weak self] changed, enqueued in self?.watchers.publish(changed) }
        writer.onTick = { [weak self] in self?.tickJobs() ?? [] }
        writer.start()
    }

    deinit { close() }

    package func read(_ ranges: [KvReadRange]) throws(KvError) -> [[KvRawEntry]] {
        LMDBMetrics.reads.increment()
        let now = clock.nowMs()
        let dbs = env.dbs
        return try env.withReadTxn { (txn: borrowing LMDBTxn) throws(KvError) -> [[KvRawEntry]] in
            var out: [[KvRawEntry]] = []
            out.reserveCapacity(ranges.count)
            for r in ranges { out.append(try txn.scan(dbs, r, nowMs: now)) }
            return out
        }
    }

    package func readBatch(_ range: KvReadRange) throws(KvError) -> KvReadBatch {
        LMDBMetrics.reads.increment()
        let now = clock.nowMs()
        let dbs = env.dbs
        return try env.withReadTxn { (txn: borrowing LMDBTxn) throws(KvError) -> KvReadBatch in
            try txn.scanBatch(dbs, range, nowMs: now)
        }
    }

    package func readBatchAsync(_ range: KvReadRange) async throws(KvError) -> KvReadBatch { try readBatch(range) }

    package func readOne(_ key: [UInt8]) throws(KvError) -> KvRawEntry? {
        LMDBMetrics.reads.increment()
        let now = clock.nowMs()
        let dbs = env.dbs
        return try env.withReadTxn { (txn: borrowing LMDBTxn) throws(KvError) -> KvRawEntry? in
            try txn.liveEntry(dbs, key, nowMs: now)
        }
    }

    package func commit(_ request: KvCommitRequest) async throws(KvError) -> Versionstamp? {
        LMDBMetrics.commits.increment()
        return try await writer.perform { (w: borrowing LMDBWriteTxn) throws(KvError) -> Versionstamp? in
            try Self.apply(request, in: w, nowMs: self.clock.nowMs())
        }
    }

    /// Evaluates and applies one atomic commit inside a batch transaction.
    @available(*, noasync)
    static func apply(_ request: KvCommitRequest, in w: borrowing LMDBWriteTxn, nowMs now: Int64) throws(KvError) -> Versionstamp? {
        let candidate = Versionstamp(counter: w.state.counter + 1)
        let outcome = try KvWritePlanner.plan(request, versionstamp: candidate, nowMs: now) { (k: [UInt8]) throws(KvError) in
            try w.record(k)
        }
        guard case .writes(let writes) = outcome else { return nil }
        let vs = w.nextVersionstamp()
        precondition(vs == candidate)
        for write in writes { try w.write(write.key, write.record) }
        for (i, e) in request.enqueues.enumerated() {
            try enqueue(e, id: vs.bytes + [UInt8(i >> 8), UInt8(i & 0xFF)], in: w)
        }
        return vs
    }

    public func count(start: [UInt8], end: [UInt8]) throws(KvError) -> Int {
        LMDBMetrics.counts.increment()
        let now = clock.nowMs()
        let dbs = env.dbs
        return try env.withReadTxn { (txn: borrowing LMDBTxn) throws(KvError) -> Int in
            var n = 0
            try txn.forEachInRange(dbs, start: start, end: end) { (_, _, rec) throws(KvError) -> Bool in
                if RecordCodec.isLive(rec, nowMs: now) { n += 1 }
                return true
            }
            return n
        }
    }

    public func deleteRange(start: [UInt8], end: [UInt8]) async throws(KvError) -> Int {
        LMDBMetrics.deleteRanges.increment()
        var total = 0
        while true {
            let n = try await writer.perform { (w: borrowing LMDBWriteTxn) throws(KvError) -> Int in
                var keys: [[UInt8]] = []
                let now = self.clock.nowMs()
                var live = 0
                try w.txn.forEachInRange(w.dbs, start: start, end: end) { (key, _, rec) throws(KvError) -> Bool in
                    keys.append(key)
                    if RecordCodec.isLive(rec, nowMs: now) { live += 1 }
                    return keys.count < 10_000
                }
                if keys.isEmpty { return -1 }
                _ = w.nextVersionstamp()
                for k in keys { try w.write(k, nil) }
                return live
            }
            if n < 0 { return total }
            total += n
        }
    }

    public func changes(matching: @escaping @Sendable ([UInt8]) -> Bool) -> AsyncStream<[[UInt8]]> {
        watchers.subscribe(closed: env.isClosed, matching: matching)
    }

    /// Closes the store: drains queued writes, ends watch streams and queue listeners, closes LMDB.
    public func close() {
        if env.isClosed { return }
        writer.stop()
        watchers.finishAll()
        env.close()
    }

    /// Versionstamp of the most recent commit (any process).
    public func currentVersionstamp() throws(KvError) -> Versionstamp {
        let dbs = env.dbs
        return try env.withReadTxn { (txn: borrowing LMDBTxn) throws(KvError) -> Versionstamp in
            do {
                let v = try txn.get(dbs.meta, Array("version".utf8))
                return Versionstamp(counter: v.map { RecordCodec.readBEUInt64($0) } ?? 0)
            } catch let e as LMDBError { throw KvError(e) } catch { throw KvError(.storage, "\(error)") }
        }
    }
}

extension Kv {
    /// Opens (creating if needed) the durable KV database in directory `path`.
    public static func open(path: String, options: LMDBStore.Options = .init()) throws(KvError) -> Kv {
        Kv(store: try LMDBStore(path: path, options: options))
    }
}

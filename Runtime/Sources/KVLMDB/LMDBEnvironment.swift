internal import CLMDB
import KV
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The named databases of a KV environment.
struct LMDBDatabases: Sendable {
    /// Encoded key (≤ `LongKeys.inlineLimit` bytes) → record.
    let data: MDB_dbi
    /// Long keys: first `inlineLimit` bytes + 16-byte hash → full key + record (see `LongKeys`).
    let long: MDB_dbi
    /// Expiry index: expireAt (8 bytes BE) + location tag + physical key → empty.
    let expiry: MDB_dbi
    /// Metadata: `"version"` → last commit counter (8 bytes BE); `"format"` → 1.
    let meta: MDB_dbi
    /// Queue: readyAt (8 BE) + message id (12) → message.
    let queue: MDB_dbi
    /// Leased queue messages: id (12) → lease deadline (8 BE) + message.
    let running: MDB_dbi
}

/// One LMDB environment (a directory with `data.mdb` and `lock.mdb`), its databases, the reader
/// gate and a pool of reusable read-only transactions.
///
/// Hazards, handled here: LMDB allows one environment handle per process per file (open the
/// store once and share it); transactions are thread-bound (see `LMDBTxn`); the map size may
/// only change when no transaction of this process is active (the `gate`); another process may
/// grow the map (MDB_MAP_RESIZED), after which we adopt its size. Network filesystems are not
/// supported by LMDB's locking.
final class LMDBEnvironment: @unchecked Sendable {
    let env: OpaquePointer
    let dbs: LMDBDatabases
    let gate = RWGate()
    let path: String
    let maxMapSize: Int
    private let pool = Mutex<[TxnHandle]>([])
    private let closed = Atomic<Bool>(false)

    init(path: String, mapSize: Int, maxMapSize: Int) throws(KvError) {
        self.path = path
        self.maxMapSize = Swift.max(mapSize, maxMapSize)
        Self.makeDirectories(path)
        var e: OpaquePointer?
        do {
            try LMDBError.check(mdb_env_create(&e), "mdb_env_create")
            try LMDBError.check(mdb_env_set_maxdbs(e, 8), "mdb_env_set_maxdbs")
            try LMDBError.check(mdb_env_set_maxreaders(e, 1024), "mdb_env_set_maxreaders")
            try LMDBError.check(mdb_env_set_mapsize(e, mapSize), "mdb_env_set_mapsize")
            let rc = mdb_env_open(e, path, Self.openFlags, 0o644)
            if rc != 0 {
                mdb_env_close(e)
                throw LMDBError(code: rc, context: "mdb_env_open(\(path))")
            }
            env = e!
            // Adopt a larger size set by another process.
            var info = MDB_envinfo()
            mdb_env_info(env, &info)
            if info.me_mapsize < mapSize { try LMDBError.check(mdb_env_set_mapsize(env, mapSize), "mdb_env_set_mapsize") }
            var txn: OpaquePointer?
            try LMDBError.check(mdb_txn_begin(env, nil, 0, &txn), "mdb_txn_begin(open)")
            func open(_ name: String) throws(LMDBError) -> MDB_dbi {
                var dbi: MDB_dbi = 0
                let rc = mdb_dbi_open(txn, name, UInt32(MDB_CREATE), &dbi)
                if rc != 0 { mdb_txn_abort(txn); throw LMDBError(code: rc, context: "mdb_dbi_open(\(name))") }
                return dbi
            }
            dbs = LMDBDatabases(data: try open("data"), long: try open("long"), expiry: try open("expiry"),
                                meta: try open("meta"), queue: try open("queue"), running: try open("running"))
            try LMDBError.check(mdb_txn_commit(txn), "mdb_txn_commit(open)")
            // MDB_NOMETASYNC left the meta page of that commit unflushed: flush it before use.
            try LMDBError.check(mdb_env_sync(env, 1), "mdb_env_sync(open)")
        } catch let e as LMDBError {
            throw KvError(e)
        } catch {
            throw KvError(.storage, "\(error)")
        }
    }

    /// MDB_NOTLS: read transactions are pooled and renewed on any thread (`withReadTxn`).
    /// MDB_NOMETASYNC: a commit flushes its pages but not its meta page; `LMDBWriter` acknowledges
    /// a batch only after the next flush (Docs/Decisions/0026 argues why that is as durable as
    /// LMDB's default, and why MDB_NOSYNC, MDB_MAPASYNC and MDB_WRITEMAP are not used).
    static let openFlags = UInt32(MDB_NOTLS | MDB_NOMETASYNC)

    /// `mkdir -p`.
    static func makeDirectories(_ path: String) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += part + "/"
            mkdir(prefix, 0o755)
        }
    }

    var isClosed: Bool { closed.load(ordering: .acquiring) }

    /// Runs `body` in a short read-only transaction (a consistent snapshot that never waits for
    /// the writer). Retries once after adopting a map grown by another process.
    func withReadTxn<R>(_ body: (borrowing LMDBTxn) throws(KvError) -> R) throws(KvError) -> R {
        for attempt in 0..<3 {
            let result: Result<R, LMDBError>? = try gate.shared { () throws(KvError) -> Result<R, LMDBError>? in
                if isClosed { throw KvError.closedError }
                var txn: OpaquePointer? = pool.withLock { $0.popLast() }?.raw
                let rc: Int32
                if let t = txn { rc = mdb_txn_renew(t) } else { rc = mdb_txn_begin(env, nil, UInt32(MDB_RDONLY), &txn) }
                if rc != 0 {
                    if let t = txn { mdb_txn_abort(t) }
                    return .failure(LMDBError(code: rc, context: "read transaction"))
                }
                defer {
                    mdb_txn_reset(txn)
                    let handle = TxnHandle(raw: txn!)
                    pool.withLock { $0.append(handle) }
                }
                return .success(try body(LMDBTxn(raw: txn!, readOnly: true)))
            }
            switch result {
            case .success(let r)?: return r
            case .failure(let e)? where e.isMapResized && attempt < 2: try adoptMapSize()
            case .failure(let e)?: throw KvError(e)
            case nil: break
            }
        }
        throw KvError(.storage, "read transaction could not start")
    }

    /// Adopts the map size another process set (after MDB_MAP_RESIZED).
    func adoptMapSize() throws(KvError) { try setMapSize(0) }

    /// Grows the map to `newSize` bytes (0: adopt the size in the file). Waits for in-flight
    /// reads of this process; the writer calls it between transactions.
    func setMapSize(_ newSize: Int) throws(KvError) {
        let rc: Int32 = gate.exclusive {
            pool.withLock { txns in
                for t in txns { mdb_txn_abort(t.raw) }
                txns.removeAll()
            }
            return mdb_env_set_mapsize(env, newSize)
        }
        do { try LMDBError.check(rc, "mdb_env_set_mapsize(\(newSize))") } catch { throw KvError(error) }
    }

    /// Bytes of the data file in use: its last used page's end (pages freed inside stay counted).
    var usedBytes: Int {
        var info = MDB_envinfo()
        var stat = MDB_stat()
        guard mdb_env_info(env, &info) == 0, mdb_env_stat(env, &stat) == 0 else { return 0 }
        return (info.me_last_pgno + 1) * Int(stat.ms_psize)
    }

    var currentMapSize: Int {
        var info = MDB_envinfo()
        mdb_env_info(env, &info)
        return info.me_mapsize
    }

    /// Copies a consistent, compacted snapshot into the existing empty directory `dir`.
    func copy(to dir: String) throws(KvError) {
        let rc = gate.shared { mdb_env_copy2(env, dir, UInt32(MDB_CP_COMPACT)) }
        do { try LMDBError.check(rc, "mdb_env_copy2(\(dir))") } catch { throw KvError(error) }
    }

    /// Closes the environment once no transaction of this process is active.
    func close() {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        gate.exclusive {
            pool.withLock { txns in
                for t in txns { mdb_txn_abort(t.raw) }
                txns.removeAll()
            }
            mdb_env_close(env)
        }
    }
}

/// A reset read-only transaction kept for reuse (MDB_NOTLS lets any thread renew it).
struct TxnHandle: @unchecked Sendable {
    let raw: OpaquePointer
}

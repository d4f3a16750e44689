public import KV
public import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// The Deno KV store on PostgreSQL: the same semantics as `LMDBStore`, shared by a fleet.
///
/// Selected by `KV_URL=postgres://user[:password]@host[:port]/db` (see `PostgresKvURL`).
///
/// - Keys are the `KeyCodec` bytes in a `bytea` primary key; PostgreSQL compares `bytea` bytewise,
///   so every range scan is in Deno key order.
/// - Versionstamps: every commit transaction first locks the one row of `edge_kv_counter`
///   (`SELECT … FOR UPDATE`), reads its keys *after* taking the lock (READ COMMITTED gives each
///   statement a fresh snapshot), and writes counter + n for its n commits. The row lock is held
///   until COMMIT and PostgreSQL makes a transaction visible before it releases its locks, so the
///   next commit, on any instance, can only lock the row once the previous one is visible and
///   then reads its counter: versionstamps are strictly increasing in commit (and visibility)
///   order across every instance, and a reader that sees versionstamp n sees every commit < n.
/// - Group commit: concurrent commits of one instance are planned in one transaction (one lock,
///   one read of all their keys, one write of all their effects), each with its own versionstamp,
///   in arrival order; a commit whose check fails or that throws (type mismatch) leaves no trace
///   and does not affect the others.
/// - Reads are one statement (one snapshot for all ranges), filtered by strict expiry against
///   `clock`. `Kv.get`, `getMany` and list iteration use the async path; the synchronous
///   `KvStore.read` (`getSync`, `count`, `nextSync`, export) blocks its thread; see the hazard below.
/// - Watch: commits `NOTIFY edge_kv` with the changed keys; every instance `LISTEN`s on a
///   dedicated connection and feeds its watchers, plus a 1 s empty tick to re-check.
/// - Queues: see `PostgresKvStore+Queue.swift` (`FOR UPDATE SKIP LOCKED`, leases).
/// - Outage: every operation fails with `KvError(.storage)` (503 `storage_unavailable`) within
///   `PostgresKvLimits.operationTimeoutMs`, and the pool reconnects with back-off by itself.
///
/// Hazard: a synchronous read (`getSync`, `count`, `nextSync`) holds its thread for one round
/// trip, or up to `operationTimeoutMs` during an outage; called from a handler, that thread is an
/// HTTP event loop. Use the async API in handlers. Nothing a blocked read waits for runs on the
/// caller's thread (the store has its own event loops), so it cannot deadlock.
public final class PostgresKvStore: KvStore, @unchecked Sendable {
    public struct Options: Sendable {
        public var clock: any KvTimeSource
        public var logger: Logger
        public init(clock: any KvTimeSource = KvSystemClock(), logger: Logger = Logger(label: "edge.kv.postgres")) {
            self.clock = clock
            self.logger = logger
        }
    }

    package let clock: any KvTimeSource
    public let url: PostgresKvURL
    let logger: Logger
    let group: any EventLoopGroup
    let pool: PostgresConnectionPool
    let batcher = Mutex(CommitBatch())
    let watchers = KvWatchHub()
    let leased = Mutex<Set<[UInt8]>>([])
    let isClosed = Atomic<Bool>(false)
    let background = Mutex<[Task<Void, Never>]>([])

    /// Connects, creates or migrates the schema, and starts the listener and housekeeping.
    /// Throws `storage` if the server cannot be reached (the caller decides: `edge serve` answers
    /// 503 until a restart), `invalidInput` for a malformed URL.
    public init(url: String, options: Options = .init()) async throws(KvError) {
        self.url = try PostgresKvURL(url)
        clock = options.clock
        logger = options.logger
        // Our own threads: a synchronous read may block the caller's thread, which can be one of
        // the HTTP server's event loops (handlers run on them); the connection it waits for must
        // never be on that loop.
        group = Self.eventLoops
        pool = PostgresConnectionPool(url: self.url, group: group, logger: options.logger)
        let logger = self.logger
        do {
            _ = try await pool.withConnection { (conn: PostgresLease) async throws -> Int in
                try await PostgresKvSchema.migrate(conn, logger: logger)
            }
        } catch {
            close()
            throw error
        }
        startBackground()
    }

    deinit { close() }

    // MARK: reads

    package func read(_ ranges: [KvReadRange]) throws(KvError) -> [[KvRawEntry]] {
        if isClosed.load(ordering: .relaxed) { throw .closedError }
        if ranges.isEmpty { return [] }
        return try Self.entries(try blocking(readQuery(ranges)), ranges)
    }

    package func readAsync(_ ranges: [KvReadRange]) async throws(KvError) -> [[KvRawEntry]] {
        if isClosed.load(ordering: .relaxed) { throw .closedError }
        if ranges.isEmpty { return [] }
        let query = readQuery(ranges)
        let rows = try await pool.withConnection { (conn: PostgresLease) async throws -> [PostgresRow] in try await conn.run(query) }
        return try Self.entries(rows, ranges)
    }

    package func readOneAsync(_ key: [UInt8]) async throws(KvError) -> KvRawEntry? {
        try await readAsync([KvReadRange(start: key, end: key + [0], limit: 1)])[0].first
    }

    /// One statement for all ranges (one snapshot): a `UNION ALL` of per-range scans, each in key
    /// order with its limit, live records only (strict expiry at the store clock's now).
    func readQuery(_ ranges: [KvReadRange]) -> PostgresQuery {
        let now = clock.nowMs()
        var sql = ""
        var binds = PostgresBindings()
        for (i, r) in ranges.enumerated() {
            if i > 0 { sql += " UNION ALL " }
            let n = binds.count
            sql += "(SELECT \(i)::int4, key, value, versionstamp FROM edge_kv_data WHERE key >= $\(n + 1) AND key < $\(n + 2)"
            sql += " AND expire_at > $\(n + 3) ORDER BY key \(r.reverse ? "DESC" : "ASC") LIMIT $\(n + 4))"
            binds.append(ByteBuffer(bytes: r.start))
            binds.append(ByteBuffer(bytes: r.end))
            binds.append(now)
            binds.append(Int64(r.limit))
        }
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }

    /// Splits the rows of `readQuery` back into per-range entry lists, each in its range's order.
    static func entries(_ rows: [PostgresRow], _ ranges: [KvReadRange]) throws(KvError) -> [[KvRawEntry]] {
        var out = [[KvRawEntry]](repeating: [], count: ranges.count)
        for row in rows {
            let columns: (Int32, ByteBuffer, ByteBuffer, Int64)
            do { columns = try row.decode((Int32, ByteBuffer, ByteBuffer, Int64).self) } catch { throw Self.corrupt(error) }
            let (i, key, value, vs) = columns
            guard let slot = Int(exactly: i), out.indices.contains(slot) else { throw KvError(.corrupt, "unexpected range index from PostgreSQL") }
            out[slot].append(KvRawEntry(key: ArraySlice(key.readableBytesView), value: try KvStoredValue(serialized: value.readableBytesView),
                                        versionstamp: Versionstamp(counter: UInt64(bitPattern: vs))))
        }
        // UNION ALL does not promise to keep each branch's order: restore it.
        for (i, r) in ranges.enumerated() {
            out[i].sort { r.reverse ? $1.key.lexicographicallyPrecedes($0.key) : $0.key.lexicographicallyPrecedes($1.key) }
        }
        return out
    }

    public func count(start: [UInt8], end: [UInt8]) throws(KvError) -> Int {
        if isClosed.load(ordering: .relaxed) { throw .closedError }
        let q: PostgresQuery = "SELECT count(*)::int8 FROM edge_kv_data WHERE key >= \(ByteBuffer(bytes: start)) AND key < \(ByteBuffer(bytes: end)) AND expire_at > \(clock.nowMs())"
        guard let row = try blocking(q).first else { return 0 }
        do { return Int(try row.decode(Int64.self)) } catch { throw Self.corrupt(error) }
    }

    /// Runs one statement on a pooled connection, blocking this thread until it completes or the
    /// operation timeout fails it. The connection lives on the store's own event loops, so this is
    /// safe on any other thread, an HTTP event loop included (NIO's `wait()` refuses every event
    /// loop, hence the semaphore).
    @available(*, noasync)
    func blocking(_ query: PostgresQuery) throws(KvError) -> [PostgresRow] {
        let future = pool.withConnectionFuture { conn in conn.runFuture(query) }
        switch BlockingResult.wait(for: future) {
        case .success(let rows): return rows
        case .failure(let error): throw PostgresConnectionPool.storageError(error)
        }
    }

    static func corrupt(_ error: any Error) -> KvError { KvError(.corrupt, "unexpected row from PostgreSQL: \(error)") }

    // MARK: watch

    public func changes(matching: @escaping @Sendable ([UInt8]) -> Bool) -> AsyncStream<[[UInt8]]> {
        watchers.subscribe(closed: isClosed.load(ordering: .relaxed), matching: matching)
    }

    /// Feeds changed keys (nil: unknown, re-check) to the watchers they match.
    func publish(_ changed: [[UInt8]]?) {
        if let changed { watchers.publish(changed) } else { watchers.tickAll() }
    }

    /// Closes the store: stops background work, ends watch streams, closes connections.
    public func close() {
        if isClosed.exchange(true, ordering: .relaxed) { return }
        for t in background.withLock({ b in defer { b.removeAll() }; return b }) { t.cancel() }
        watchers.finishAll()
        let pending = batcher.withLock { b in defer { b.pending.removeAll() }; return b.pending }
        for p in pending { p.continuation.resume(returning: .failure(.closedError)) }
        pool.close()
    }

    /// One group for every PostgreSQL store of the process, never shut down (like NIO's singleton,
    /// but apart from the HTTP server's loops): connections still closing after a store closes
    /// always have a live loop to finish on.
    static let eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: PostgresKvLimits.eventLoopThreads)
}

extension Kv {
    /// Opens the KV database on PostgreSQL at `url` (`postgres://…`), creating its tables if needed.
    public static func open(postgres url: String, options: PostgresKvStore.Options = .init()) async throws(KvError) -> Kv {
        Kv(store: try await PostgresKvStore(url: url, options: options))
    }
}

extension PostgresKvStore {
    /// How long `open(url:)` keeps retrying an unreachable server at start-up.
    public static let startupWaitMs: Int64 = 30_000

    /// `init(url:options:)`, retrying with back-off while the server is unreachable (up to
    /// `startupWaitMs`); a malformed URL, a schema newer than this build or a refusal (wrong
    /// password, no such database, no privilege: `PostgresConnectionPool.refusalStates`) fails at once.
    public static func open(url: String, options: Options = .init()) async throws(KvError) -> PostgresKvStore {
        let deadline = KvClock.nowMs() + startupWaitMs
        var backoff = PostgresKvLimits.initialBackoffMs
        while true {
            do {
                return try await PostgresKvStore(url: url, options: options)
            } catch where error.code == .storage && !error.message.hasPrefix(PostgresConnectionPool.refusalPrefix)
                            && KvClock.nowMs() + backoff < deadline {
                options.logger.warning("waiting for PostgreSQL", metadata: ["error": "\(error.message)"])
                try? await Task.sleep(nanoseconds: UInt64(backoff) * 1_000_000)
                backoff = min(backoff * 2, PostgresKvLimits.maxBackoffMs)
            }
        }
    }
}

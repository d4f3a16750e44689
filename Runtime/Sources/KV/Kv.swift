import Tracing

/// A Deno KV database: the public API handlers use (`ctx.kv`).
///
/// Every method has Deno's semantics and raises Deno's errors at the same points (see
/// `shared/spec/DENO-KV.md`), except expiry, which is stricter: an expired key is invisible to
/// every read and check from the instant it expires.
///
/// Open a durable database with `Kv.open(path:)` (module KVLMDB), an in-memory one with
/// `Kv(store: MemoryKvStore())`, or wrap any `KvStore`.
public final class Kv: Sendable {
    package let store: any KvStore

    package init(store: any KvStore) { self.store = store }

    /// The time source of this database (its store's `clock`): `expireIn` and queue `delay` are
    /// measured from it, and the store judges expiry and queue readiness by it.
    public var clock: any KvTimeSource { store.clock }

    // MARK: reads

    /// Reads one key; a missing key gives an entry with nil value and versionstamp. `get([])`
    /// returns a missing entry (as in Deno).
    nonisolated(nonsending) public func get(_ key: KvKey, consistency: KvConsistency = .strong) async throws(KvError) -> KvEntry {
        guard let e = try await store.readOneAsync(try Self.readKey(key)) else { return KvEntry(key: key, stored: nil, versionstamp: nil) }
        return KvEntry(key: key, stored: e.value, versionstamp: e.versionstamp)
    }

    /// Synchronous `get` (reads never wait for writers, so this never blocks on a commit; on
    /// PostgreSQL it blocks the calling thread for one round trip: prefer `get` there).
    public func getSync(_ key: KvKey) throws(KvError) -> KvEntry {
        guard let e = try store.readOne(try Self.readKey(key)) else { return KvEntry(key: key, stored: nil, versionstamp: nil) }
        return KvEntry(key: key, stored: e.value, versionstamp: e.versionstamp)
    }

    static func readKey(_ key: KvKey) throws(KvError) -> [UInt8] {
        let kb = try KeyCodec.encode(key)
        if kb.count + 1 > KvLimits.maxReadKeyBytes {
            throw KvError(.keyTooLargeRead, "Key too large for read (max \(KvLimits.maxReadKeyBytes) bytes)")
        }
        return kb
    }

    /// Reads up to 10 keys in one snapshot; entries come back in request order, duplicates allowed.
    nonisolated(nonsending) public func getMany(_ keys: [KvKey], consistency: KvConsistency = .strong) async throws(KvError) -> [KvEntry] {
        if keys.count > KvLimits.maxReadRanges { throw KvError(.tooManyRanges, "Too many ranges (max \(KvLimits.maxReadRanges))") }
        if keys.isEmpty { return [] }
        var ranges: [KvReadRange] = []
        for k in keys { ranges.append(try Self.pointRange(try KeyCodec.encode(k))) }
        let r = try await store.readAsync(ranges)
        return zip(keys, r).map { key, found in
            found.first.map { KvEntry(key: key, stored: $0.value, versionstamp: $0.versionstamp) }
                ?? KvEntry(key: key, stored: nil, versionstamp: nil)
        }
    }

    static func pointRange(_ kb: [UInt8]) throws(KvError) -> KvReadRange {
        if kb.count + 1 > KvLimits.maxReadKeyBytes {
            throw KvError(.keyTooLargeRead, "Key too large for read (max \(KvLimits.maxReadKeyBytes) bytes)")
        }
        return KvReadRange(start: kb, end: kb + [0], limit: 1)
    }

    /// Reads and decodes one key into a Decodable type; nil if missing.
    nonisolated(nonsending) public func get<T: Decodable & Sendable>(_ key: KvKey, as type: T.Type) async throws(KvError) -> KvTypedEntry<T>? {
        let e = try await get(key)
        guard let stored = e.stored, let vs = e.versionstamp else { return nil }
        return KvTypedEntry(key: key, value: try stored.decode(as: type), versionstamp: vs)
    }

    // MARK: writes

    /// Sets a value (one-mutation atomic commit); `expireIn` in ms.
    @discardableResult
    public func set(_ key: KvKey, _ value: KvValue, expireIn: Int? = nil) async throws(KvError) -> KvCommitResult {
        try await atomic().set(key, value, expireIn: expireIn).commit()
    }

    /// Sets an Encodable value (stored as JSON unless it is a KvValue, KvU64 or bytes).
    @discardableResult
    public func set(_ key: KvKey, encoding value: some Encodable, expireIn: Int? = nil) async throws(KvError) -> KvCommitResult {
        try await atomic().set(key, encoding: value, expireIn: expireIn).commit()
    }

    /// Deletes a key (a missing key is fine). Consumes a versionstamp, like any commit.
    public func delete(_ key: KvKey) async throws(KvError) {
        _ = try await atomic().delete(key).commit()
    }

    /// Starts an atomic operation.
    public func atomic() -> KvAtomicOperation { KvAtomicOperation(kv: self) }

    /// Every commit goes through here; inside a traced request (a span's context is the task's, see
    /// ``KvCommitSpan``) it is recorded as a `kv.commit` span, otherwise nothing is added.
    func commit(_ request: KvCommitRequest) async throws(KvError) -> KvCommitResult {
        if let parent = InstrumentationContext.current {
            return try await KvCommitSpan.commit(request, on: self, parent: parent)
        }
        return try await commitUntraced(request)
    }

    func commitUntraced(_ request: KvCommitRequest) async throws(KvError) -> KvCommitResult {
        guard let vs = try await store.commit(request) else { return .failed }
        return .ok(vs)
    }

    /// Enqueues a message (see `listenQueue`).
    @discardableResult
    public func enqueue(_ value: KvValue, options: KvQueueOptions = .init()) async throws(KvError) -> KvCommitResult {
        try options.validate()
        return try await atomic().enqueue(value, options: options).commit()
    }

    // MARK: beyond Deno

    /// Number of live keys the selector covers (no values are read into Swift).
    public func count(_ selector: KvListSelector) throws(KvError) -> Int {
        let s = try selector.resolve()
        return try store.count(start: s.rangeStart, end: s.rangeEnd)
    }

    /// Deletes every key the selector covers; returns the number deleted.
    @discardableResult
    public func deleteRange(_ selector: KvListSelector) async throws(KvError) -> Int {
        let s = try selector.resolve()
        return try await store.deleteRange(start: s.rangeStart, end: s.rangeEnd)
    }

    /// Closes the database; pending `listenQueue` calls return and watch streams end.
    public func close() { store.close() }
}

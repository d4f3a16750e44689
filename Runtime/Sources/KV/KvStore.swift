/// One range to read in a snapshot: `[start, end)` in encoded-key order, at most `limit` entries.
package struct KvReadRange: Sendable {
    public var start: [UInt8]
    public var end: [UInt8]
    public var limit: Int
    public var reverse: Bool

    public init(start: [UInt8], end: [UInt8], limit: Int, reverse: Bool = false) {
        self.start = start
        self.end = end
        self.limit = limit
        self.reverse = reverse
    }
}

/// A stored entry as a store returns it (encoded key).
package struct KvRawEntry: Sendable {
    /// The encoded key (may share a larger buffer, e.g. one read batch).
    public var key: ArraySlice<UInt8>
    public var value: KvStoredValue
    public var versionstamp: Versionstamp

    public init(key: ArraySlice<UInt8>, value: KvStoredValue, versionstamp: Versionstamp) {
        self.key = key
        self.value = value
        self.versionstamp = versionstamp
    }
}

/// The storage seam under `Kv`: ordered bytes in, ordered bytes out.
///
/// Requirements every store must meet:
/// - Keys are compared bytewise (the encodings from `KeyCodec` then sort in Deno's order).
/// - `read` is one consistent snapshot over all ranges, never waits for writers, and hides
///   records whose expiry has been reached (strict expiry).
/// - `commit` is atomic and serializable; it evaluates the request with `KvWritePlanner`, assigns
///   a versionstamp strictly greater than every earlier one (also across restarts), and returns
///   only once the commit is durable. nil means a check failed (nothing written, no versionstamp used).
/// - Every "now" (strict expiry, queue readiness, backoff, leases) comes from `clock`, the same
///   time source `Kv` uses to turn `expireIn` and `delay` into absolute times.
package protocol KvStore: AnyObject, Sendable {
    /// The store's time source (default: the wall clock, `KvSystemClock`).
    var clock: any KvTimeSource { get }

    func read(_ ranges: [KvReadRange]) throws(KvError) -> [[KvRawEntry]]
    /// A point read of one encoded key (same semantics as a one-key range read).
    func readOne(_ key: [UInt8]) throws(KvError) -> KvRawEntry?
    /// `read` for async callers (`Kv.get`, `getMany`, list iteration). Defaults to `read`; a store
    /// whose reads wait on the network (PostgreSQL) overrides it so no thread blocks.
    func readAsync(_ ranges: [KvReadRange]) async throws(KvError) -> [[KvRawEntry]]
    /// `readOne` for async callers (default: `readOne`).
    func readOneAsync(_ key: [UInt8]) async throws(KvError) -> KvRawEntry?
    /// One range read packed into one buffer (list iteration reads this way). Same semantics as
    /// `read([range])[0]`; the default packs that result, a store may scan into the batch directly.
    func readBatch(_ range: KvReadRange) throws(KvError) -> KvReadBatch
    /// `readBatch` for async callers (default: packs `readAsync([range])[0]`).
    func readBatchAsync(_ range: KvReadRange) async throws(KvError) -> KvReadBatch
    func commit(_ request: KvCommitRequest) async throws(KvError) -> Versionstamp?

    /// Number of live keys in `[start, end)`.
    func count(start: [UInt8], end: [UInt8]) throws(KvError) -> Int
    /// Deletes every key in `[start, end)` (in one or more commits); returns how many were deleted.
    func deleteRange(start: [UInt8], end: [UInt8]) async throws(KvError) -> Int

    /// Waits for the next deliverable queue message, leasing it to this consumer; nil once closed.
    func dequeue() async throws(KvError) -> KvQueueMessage?
    /// Settles a leased message: success deletes it; failure re-queues it after the next backoff
    /// delay, or, with no retries left, writes its payload to its `keysIfUndelivered` and drops it.
    func finish(_ message: KvQueueMessage, success: Bool) async throws(KvError)

    /// A stream of changed keys for which `matches` is true (after each durable commit in this
    /// process), plus periodic empty arrays as a hint to re-check (changes from other processes).
    /// Ends when the store closes.
    func changes(matching: @escaping @Sendable ([UInt8]) -> Bool) -> AsyncStream<[[UInt8]]>

    /// Closes the store; later operations throw `KvError.closedError`. Idempotent.
    func close()
}

extension KvStore {
    public var clock: any KvTimeSource { KvSystemClock() }

    public func readOne(_ key: [UInt8]) throws(KvError) -> KvRawEntry? {
        try read([KvReadRange(start: key, end: key + [0], limit: 1)])[0].first
    }

    public func readAsync(_ ranges: [KvReadRange]) async throws(KvError) -> [[KvRawEntry]] { try read(ranges) }

    public func readOneAsync(_ key: [UInt8]) async throws(KvError) -> KvRawEntry? { try readOne(key) }

    public func readBatch(_ range: KvReadRange) throws(KvError) -> KvReadBatch { KvReadBatch(try read([range])[0]) }

    public func readBatchAsync(_ range: KvReadRange) async throws(KvError) -> KvReadBatch {
        KvReadBatch(try await readAsync([range])[0])
    }
}

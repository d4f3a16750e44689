import Synchronization

/// A `KvStore` in memory, with exactly the semantics of the durable LMDB store except
/// durability: for tests, previews and ephemeral databases.
///
/// - Keys are ordered bytewise (`MemoryKvSortedMap`); every operation takes one lock, so each
///   `read` is one consistent snapshot and commits are serializable.
/// - `commit` evaluates with `KvWritePlanner` and assigns versionstamps from a counter that only
///   grows (a failed check uses none); `deleteRange` deletes in one commit.
/// - Time comes from `clock` (default the wall clock). Expiry is strict; a sweeper task deletes
///   expired records once the clock reaches their expiry and reports them to `changes` streams.
/// - Queues: see `MemoryKvStore+Queue.swift`.
/// - `changes` reports every commit of this store. There are no other processes, so no periodic
///   empty "re-check" hints are sent.
/// - After `close()` every operation throws `KvError.closedError`, pending and later `dequeue`
///   calls return nil and `changes` streams end. The contents survive in the closed object:
///   `init(reopening:)` continues from them, like reopening a durable database.
package final class MemoryKvStore: KvStore {
    public let clock: any KvTimeSource
    let state: Mutex<State>

    struct State {
        var table = MemoryKvTable()
        /// Counter of the last versionstamp handed out.
        var counter: UInt64 = 0
        var queue = MemoryKvQueue()
        var closed = false
        var subscribers: [Int: Subscriber] = [:]
        var nextSubscriber = 0
        /// Dequeues waiting for an enqueue, a retry or close (see `MemoryKvStore+Queue.swift`).
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter = 0
        /// Bumped whenever waiters are woken, so a dequeue that checked before a wake-up does
        /// not miss it.
        var generation: UInt64 = 0
        var sweeper: Sweeper?
        var nextSweeper = 0
    }

    struct Subscriber {
        let matches: @Sendable ([UInt8]) -> Bool
        let continuation: AsyncStream<[[UInt8]]>.Continuation
    }

    /// An empty store using `clock` (the wall clock unless given).
    public init(clock: any KvTimeSource = KvSystemClock()) {
        self.clock = clock
        state = Mutex(State())
    }

    /// A new, open store over the contents `closed` had when it was closed (or has now, if it is
    /// still open): records, the versionstamp counter and queued messages, and the same clock.
    /// Messages `closed` had leased are redelivered once their lease (`KvLimits.queueLeaseMs`,
    /// counted from now) expires, as after a process restart with the durable store.
    public init(reopening closed: MemoryKvStore) {
        clock = closed.clock
        let now = clock.nowMs()
        let (table, counter, queue) = closed.state.withLock { s in (s.table, s.counter, s.queue) }
        var fresh = State()
        fresh.table = table
        fresh.counter = counter
        fresh.queue = queue
        fresh.queue.orphanLeases(deadline: now + KvLimits.queueLeaseMs)
        state = Mutex(fresh)
        state.withLock { s in armSweeper(&s) }
    }

    deinit { close() }

    public func read(_ ranges: [KvReadRange]) throws(KvError) -> [[KvRawEntry]] {
        let now = clock.nowMs()
        return try state.withLock { s throws(KvError) in
            if s.closed { throw KvError.closedError }
            return ranges.map { s.table.scan($0, nowMs: now) }
        }
    }

    public func readOne(_ key: [UInt8]) throws(KvError) -> KvRawEntry? {
        let now = clock.nowMs()
        return try state.withLock { s throws(KvError) -> KvRawEntry? in
            if s.closed { throw KvError.closedError }
            guard let r = s.table.record(key), !r.isExpired(nowMs: now) else { return nil }
            return KvRawEntry(key: key[...], value: r.value, versionstamp: r.versionstamp)
        }
    }

    public func commit(_ request: KvCommitRequest) async throws(KvError) -> Versionstamp? {
        let (vs, changed, wake) = try state.withLock { s throws(KvError) -> (Versionstamp?, [[UInt8]], [CheckedContinuation<Void, Never>]) in
            if s.closed { throw KvError.closedError }
            let now = clock.nowMs()
            let candidate = Versionstamp(counter: s.counter + 1)
            let outcome = try KvWritePlanner.plan(request, versionstamp: candidate, nowMs: now) { k throws(KvError) in s.table.record(k) }
            guard case .writes(let writes) = outcome else { return (nil, [], []) }
            s.counter += 1
            for w in writes { s.table.write(w.key, w.record) }
            for (i, e) in request.enqueues.enumerated() {
                let id = candidate.bytes + [UInt8(i >> 8), UInt8(i & 0xFF)]
                s.queue.insert(KvQueueMessage(id: id, payload: e.payload, keysIfUndelivered: e.keysIfUndelivered,
                                              backoffSchedule: e.backoffSchedule), readyAt: e.readyAt)
            }
            if writes.contains(where: { $0.record?.expireAt != nil }) { armSweeper(&s) }
            return (candidate, writes.map(\.key), request.enqueues.isEmpty ? [] : Self.takeWaiters(&s))
        }
        for w in wake { w.resume() }
        publish(changed)
        return vs
    }

    public func count(start: [UInt8], end: [UInt8]) throws(KvError) -> Int {
        let now = clock.nowMs()
        return try state.withLock { s throws(KvError) in
            if s.closed { throw KvError.closedError }
            return s.table.countLive(start: start, end: end, nowMs: now)
        }
    }

    /// Deletes the range in one commit (one versionstamp, none if the range holds no record).
    public func deleteRange(start: [UInt8], end: [UInt8]) async throws(KvError) -> Int {
        let now = clock.nowMs()
        let (keys, live) = try state.withLock { s throws(KvError) -> ([[UInt8]], Int) in
            if s.closed { throw KvError.closedError }
            let r = s.table.removeRange(start: start, end: end, nowMs: now)
            if !r.keys.isEmpty { s.counter += 1 }
            return (r.keys, r.live)
        }
        publish(keys)
        return live
    }

    public func changes(matching: @escaping @Sendable ([UInt8]) -> Bool) -> AsyncStream<[[UInt8]]> {
        let (stream, continuation) = AsyncStream<[[UInt8]]>.makeStream(bufferingPolicy: .bufferingNewest(64))
        let id = state.withLock { s -> Int? in
            if s.closed { return nil }
            s.nextSubscriber += 1
            s.subscribers[s.nextSubscriber] = Subscriber(matches: matching, continuation: continuation)
            return s.nextSubscriber
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) } }
        return stream
    }

    /// Sends the changed keys to every subscriber that watches one of them.
    func publish(_ changed: [[UInt8]]) {
        if changed.isEmpty { return }
        let subs = state.withLock { Array($0.subscribers.values) }
        for s in subs {
            let hits = changed.filter(s.matches)
            if !hits.isEmpty { s.continuation.yield(hits) }
        }
    }

    public func close() {
        let (subs, wake, sweeper) = state.withLock { s -> ([Subscriber], [CheckedContinuation<Void, Never>], Task<Void, Never>?) in
            if s.closed { return ([], [], nil) }
            s.closed = true
            let subs = Array(s.subscribers.values)
            s.subscribers.removeAll()
            let task = s.sweeper?.task
            s.sweeper = nil
            return (subs, Self.takeWaiters(&s), task)
        }
        sweeper?.cancel()
        for s in subs { s.continuation.finish() }
        for w in wake { w.resume() }
    }

    /// Versionstamp of the most recent commit.
    public func currentVersionstamp() throws(KvError) -> Versionstamp {
        try state.withLock { s throws(KvError) in
            if s.closed { throw KvError.closedError }
            return Versionstamp(counter: s.counter)
        }
    }
}

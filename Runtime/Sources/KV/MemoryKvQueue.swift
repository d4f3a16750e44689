/// The queue of a `MemoryKvStore`: messages waiting for their ready time, and leased messages.
///
/// Same model as the LMDB store's `queue` and `running` tables: pending messages are ordered by
/// ready time, then id (the enqueueing commit's versionstamp and the index within the commit).
struct MemoryKvQueue {
    struct Lease {
        var message: KvQueueMessage
        /// nil: leased by this store, held until `settle` (the durable store keeps such leases
        /// alive while the process runs). A time: left over from a closed store; the message is
        /// redelivered once the lease has expired (`deadline < now`).
        var deadline: Int64?
    }

    /// Most expired leases one `lease` call re-queues (as in the durable store).
    static let maxRequeuePerLease = 100

    /// Key: ready time (sign-flipped big-endian) + id.
    private var pending = MemoryKvSortedMap<KvQueueMessage>()
    private var leased: [[UInt8]: Lease] = [:]

    mutating func insert(_ message: KvQueueMessage, readyAt: Int64) {
        pending.set(MemoryKvTable.expiryKey(readyAt, message.id), message)
    }

    /// Re-queues expired leases (up to `maxRequeuePerLease`), then leases the first message ready
    /// at `nowMs`.
    mutating func lease(nowMs: Int64) -> KvQueueMessage? {
        let expired = leased.filter { $0.value.deadline.map { $0 < nowMs } ?? false }.prefix(Self.maxRequeuePerLease)
        for (id, l) in expired {
            leased.removeValue(forKey: id)
            insert(l.message, readyAt: nowMs)
        }
        guard let first = pending.first, MemoryKvTable.expiryTime(first.key) <= nowMs else { return nil }
        pending.set(first.key, nil)
        leased[first.value.id] = Lease(message: first.value, deadline: nil)
        return first.value
    }

    /// The earliest time `lease` could return a message: the first ready time, or the first
    /// instant an orphaned lease counts as expired. nil: only an enqueue or a retry can help.
    var nextDue: Int64? {
        let ready = pending.first.map { MemoryKvTable.expiryTime($0.key) }
        let orphan = leased.values.compactMap(\.deadline).min().map { $0 + 1 }
        switch (ready, orphan) {
        case (let a?, let b?): return Swift.min(a, b)
        case (let a, nil): return a
        case (nil, let b): return b
        }
    }

    /// Ends the lease of `id`; false if it is not leased (already settled, or re-queued).
    mutating func settle(_ id: [UInt8]) -> Bool { leased.removeValue(forKey: id) != nil }

    /// Turns this store's leases into orphaned ones expiring at `deadline` (for `init(reopening:)`).
    mutating func orphanLeases(deadline: Int64) {
        for id in leased.keys where leased[id]?.deadline == nil { leased[id]?.deadline = deadline }
    }
}

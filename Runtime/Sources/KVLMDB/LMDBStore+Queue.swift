internal import CLMDB
package import KV

/// Per-process queue bookkeeping: the messages this process has leased (kept alive while
/// their handlers run) and timer state for the writer's housekeeping.
struct QueueState {
    var leased: Set<[UInt8]> = []
    var lastKeepalive: Int64 = 0
    var lastSweepCheck: Int64 = 0
    var lastWatchTick: Int64 = 0
}

extension LMDBStore {
    /// Persists an enqueue of a commit (inside that commit's transaction).
    @available(*, noasync)
    static func enqueue(_ e: KvCommitRequest.Enqueue, id: [UInt8], in w: borrowing LMDBWriteTxn) throws(KvError) {
        let m = KvQueueMessage(id: id, payload: e.payload, keysIfUndelivered: e.keysIfUndelivered, backoffSchedule: e.backoffSchedule)
        try w.put(w.dbs.queue, QueueCodec.queueKey(readyAt: e.readyAt, id: id), QueueCodec.encode(m))
        w.state.enqueued = true
    }

    /// True if a message is ready or a lease has expired (a read-only peek, so idle polling
    /// costs no write transaction).
    func queueHasWork(nowMs: Int64) throws(KvError) -> Bool {
        let dbs = env.dbs
        return try env.withReadTxn { (txn: borrowing LMDBTxn) throws(KvError) -> Bool in
            let ready = try txn.withCursor(dbs.queue) { (c: borrowing LMDBCursor) throws(KvError) -> Bool in
                guard let (k, _) = try c.move(MDB_FIRST) else { return false }
                return Int64(bitPattern: RecordCodec.readBEUInt64(k)) <= nowMs
            }
            if ready { return true }
            return try txn.withCursor(dbs.running) { (c: borrowing LMDBCursor) throws(KvError) -> Bool in
                var cur = try c.move(MDB_FIRST)
                while let (_, v) = cur {
                    if Int64(bitPattern: RecordCodec.readBEUInt64(v)) < nowMs { return true }
                    cur = try c.move(MDB_NEXT)
                }
                return false
            }
        }
    }

    package func dequeue() async throws(KvError) -> KvQueueMessage? {
        LMDBMetrics.dequeues.increment()
        while true {
            if env.isClosed || Task.isCancelled { return nil }
            let now = clock.nowMs()
            if try queueHasWork(nowMs: now) {
                let message: KvQueueMessage?
                do {
                    message = try await writer.perform { (w: borrowing LMDBWriteTxn) throws(KvError) -> KvQueueMessage? in
                        try Self.lease(in: w, nowMs: self.clock.nowMs())
                    }
                } catch where error.code == .closed {
                    return nil
                }
                if let message {
                    _ = queueState.withLock { $0.leased.insert(message.id) }
                    return message
                }
            }
            do { try await Task.sleep(nanoseconds: 20_000_000) } catch { return nil }
        }
    }

    /// Re-queues expired leases, then leases the first ready message.
    @available(*, noasync)
    static func lease(in w: borrowing LMDBWriteTxn, nowMs: Int64) throws(KvError) -> KvQueueMessage? {
        let dbs = w.dbs
        let expired = try w.txn.withCursor(dbs.running) { (c: borrowing LMDBCursor) throws(KvError) -> [([UInt8], [UInt8])] in
            var out: [([UInt8], [UInt8])] = []
            var cur = try c.move(MDB_FIRST)
            while let (k, v) = cur, out.count < 100 {
                if Int64(bitPattern: RecordCodec.readBEUInt64(v)) < nowMs { out.append((Array(k), Array(v[8...]))) }
                cur = try c.move(MDB_NEXT)
            }
            return out
        }
        for (id, msg) in expired {
            try w.delete(dbs.running, id)
            try w.put(dbs.queue, QueueCodec.queueKey(readyAt: nowMs, id: id), msg)
        }
        let first = try w.txn.withCursor(dbs.queue) { (c: borrowing LMDBCursor) throws(KvError) -> ([UInt8], [UInt8])? in
            guard let (k, v) = try c.move(MDB_FIRST) else { return nil }
            guard Int64(bitPattern: RecordCodec.readBEUInt64(k)) <= nowMs else { return nil }
            return (Array(k), Array(v))
        }
        guard let (key, value) = first else { return nil }
        let message = try QueueCodec.decode(value)
        try w.delete(dbs.queue, key)
        try w.put(dbs.running, message.id, RecordCodec.beUInt64(UInt64(nowMs + KvLimits.queueLeaseMs)) + value)
        return message
    }

    package func finish(_ message: KvQueueMessage, success: Bool) async throws(KvError) {
        defer { _ = queueState.withLock { $0.leased.remove(message.id) } }
        try await writer.perform { (w: borrowing LMDBWriteTxn) throws(KvError) in
            let dbs = w.dbs
            guard try w.get(dbs.running, message.id) != nil else { return }
            try w.delete(dbs.running, message.id)
            if success { return }
            let now = self.clock.nowMs()
            if let delay = message.backoffSchedule.first {
                let next = KvQueueMessage(id: message.id, payload: message.payload, keysIfUndelivered: message.keysIfUndelivered,
                                          backoffSchedule: Array(message.backoffSchedule.dropFirst()))
                try w.put(dbs.queue, QueueCodec.queueKey(readyAt: now + Int64(delay), id: message.id), QueueCodec.encode(next))
                w.state.enqueued = true
            } else if !message.keysIfUndelivered.isEmpty {
                let vs = w.nextVersionstamp()
                for k in message.keysIfUndelivered where !k.isEmpty {
                    try w.write(k, KvStoredRecord(value: message.payload, versionstamp: vs, expireAt: nil))
                }
            }
        }
    }

    /// Housekeeping run by the writer thread when idle: watch ticks, expiry sweeps, lease upkeep.
    func tickJobs() -> [WriteJob] {
        let now = clock.nowMs()
        var jobs: [WriteJob] = []
        let (doWatch, doSweepCheck, leased) = queueState.withLock { s -> (Bool, Bool, Set<[UInt8]>) in
            let watch = now - s.lastWatchTick >= 1000
            if watch { s.lastWatchTick = now }
            let hint = writer.earliestExpiry.withLock { $0 }
            let sweep = now - s.lastSweepCheck >= 1000 || (hint.map { $0 <= now } ?? false)
            if sweep { s.lastSweepCheck = now }
            var leased: Set<[UInt8]> = []
            if now - s.lastKeepalive >= 1000, !s.leased.isEmpty {
                s.lastKeepalive = now
                leased = s.leased
            }
            return (watch, sweep, leased)
        }
        if doWatch { watchers.tickAll() }
        if doSweepCheck, (try? sweepDue(nowMs: now)) == true {
            writer.earliestExpiry.withLock { $0 = nil }
            jobs.append(WriteJob(run: { (w: borrowing LMDBWriteTxn) throws(KvError) in try Self.sweep(in: w, nowMs: now) },
                                 complete: { _ in }))
        }
        if !leased.isEmpty {
            jobs.append(WriteJob(run: { (w: borrowing LMDBWriteTxn) throws(KvError) in
                for id in leased {
                    guard let v = try w.get(w.dbs.running, id) else { continue }
                    try w.put(w.dbs.running, id, RecordCodec.beUInt64(UInt64(now + KvLimits.queueLeaseMs)) + v[8...])
                }
            }, complete: { _ in }))
        }
        return jobs
    }
}

extension MemoryKvStore {
    /// Waits for the next deliverable message and leases it to the caller.
    ///
    /// A message is deliverable once the clock reaches its ready time (enqueue time + `delay`,
    /// or failure time + backoff). While nothing is deliverable the call sleeps until the next
    /// ready time on `clock` (so `ManualKvClock.advance` wakes it) or until an enqueue, a retry
    /// or `close()`. Returns nil once the store is closed or the calling task is cancelled.
    public func dequeue() async throws(KvError) -> KvQueueMessage? {
        enum Step { case stop, deliver(KvQueueMessage), wait(generation: UInt64, until: Int64?) }
        while true {
            if Task.isCancelled { return nil }
            let now = clock.nowMs()
            let step = state.withLock { s -> Step in
                if s.closed { return .stop }
                if let m = s.queue.lease(nowMs: now) { return .deliver(m) }
                return .wait(generation: s.generation, until: s.queue.nextDue)
            }
            switch step {
            case .stop: return nil
            case .deliver(let m): return m
            case .wait(let generation, let until): await waitForWork(after: generation, until: until)
            }
        }
    }

    /// Settles a leased message: success deletes it; failure re-queues it `backoffSchedule[0]` ms
    /// from now with the rest of the schedule, or, with no retries left, writes its payload to
    /// each of its `keysIfUndelivered` (one commit, no expiry) and drops it. A message that is no
    /// longer leased (settled before) is ignored.
    public func finish(_ message: KvQueueMessage, success: Bool) async throws(KvError) {
        let now = clock.nowMs()
        let (changed, wake) = try state.withLock { s throws(KvError) -> ([[UInt8]], [CheckedContinuation<Void, Never>]) in
            if s.closed { throw KvError.closedError }
            guard s.queue.settle(message.id), !success else { return ([], []) }
            if let delay = message.backoffSchedule.first {
                let retry = KvQueueMessage(id: message.id, payload: message.payload, keysIfUndelivered: message.keysIfUndelivered,
                                           backoffSchedule: Array(message.backoffSchedule.dropFirst()))
                s.queue.insert(retry, readyAt: now + Int64(delay))
                return ([], Self.takeWaiters(&s))
            }
            if message.keysIfUndelivered.isEmpty { return ([], []) }
            s.counter += 1
            let vs = Versionstamp(counter: s.counter)
            let keys = message.keysIfUndelivered.filter { !$0.isEmpty }
            for k in keys { s.table.write(k, KvStoredRecord(value: message.payload, versionstamp: vs, expireAt: nil)) }
            return (keys, [])
        }
        for w in wake { w.resume() }
        publish(changed)
    }

    /// Wakes every waiting dequeue (call with the lock held; resume the result after unlocking).
    static func takeWaiters(_ s: inout State) -> [CheckedContinuation<Void, Never>] {
        s.generation &+= 1
        let all = Array(s.waiters.values)
        s.waiters.removeAll()
        return all
    }

    /// Returns when waiters are woken after `generation`, when the clock reaches `until`, or when
    /// the calling task is cancelled, whichever comes first.
    private func waitForWork(after generation: UInt64, until: Int64?) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForWake(after: generation) }
            if let until {
                let clock = self.clock
                group.addTask { try? await clock.sleep(untilMs: until) }
            }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForWake(after generation: UInt64) async {
        let id = state.withLock { s in
            s.nextWaiter += 1
            return s.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let now = state.withLock { s -> Bool in
                    if s.closed || s.generation != generation || Task.isCancelled { return true }
                    s.waiters[id] = c
                    return false
                }
                if now { c.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }
}

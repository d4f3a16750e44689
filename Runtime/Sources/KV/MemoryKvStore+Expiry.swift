extension MemoryKvStore {
    /// The task that deletes expired records when the clock reaches `deadline` (the table's
    /// earliest expiry). Reads never depend on it (they filter expired records); it reclaims
    /// memory and tells `changes` streams (so watchers see expiry).
    struct Sweeper {
        let id: Int
        var deadline: Int64
        let task: Task<Void, Never>
    }

    /// Makes sure a sweeper is due no later than the table's earliest expiry. Call with the lock
    /// held, after writing records with an expiry.
    func armSweeper(_ s: inout State) {
        guard !s.closed, let next = s.table.earliestExpiry else { return }
        if let current = s.sweeper, current.deadline <= next { return }
        s.sweeper?.task.cancel()
        s.nextSweeper += 1
        let id = s.nextSweeper
        let clock = self.clock
        // Holds the store weakly: a dropped store is not kept alive until its next expiry.
        let task = Task { [weak self] in
            var deadline = next
            while true {
                do { try await clock.sleep(untilMs: deadline) } catch { return }
                guard let following = self?.sweep(id: id) else { return }
                deadline = following
            }
        }
        s.sweeper = Sweeper(id: id, deadline: next, task: task)
    }

    /// Deletes the expired records and publishes their keys; returns the next expiry to wait
    /// for, or nil when sweeper `id` should stop (none left, replaced, or closed).
    func sweep(id: Int) -> Int64? {
        let now = clock.nowMs()
        let (keys, next) = state.withLock { s -> ([[UInt8]], Int64?) in
            guard !s.closed, s.sweeper?.id == id else { return ([], nil) }
            let keys = s.table.removeExpired(nowMs: now)
            guard let next = s.table.earliestExpiry else {
                s.sweeper = nil
                return (keys, nil)
            }
            s.sweeper?.deadline = next
            return (keys, next)
        }
        publish(keys)
        return next
    }
}

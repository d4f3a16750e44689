import Synchronization

extension CronScheduler {
    /// Waits up to `shutdownGracePeriod` for runs in progress; records the rest as cancelled,
    /// cancels them, and waits up to ``CronLimits/cancellationGracePeriod`` for them to stop.
    /// Runs while the calling task is already cancelled, so every wait is raced in unstructured
    /// tasks (which do not inherit that cancellation).
    func drain() async {
        let tasks = state.withLock { $0.inFlight.values.compactMap(\.task) }
        guard !tasks.isEmpty else { return }
        log("cron: shutting down; waiting up to \(shutdownGracePeriod) for \(tasks.count) run(s) in progress")
        if await finishes(tasks, within: shutdownGracePeriod) { return }

        let now = clock.now
        let cancelled = state.withLock { state -> [CronRunRecord] in
            var records: [CronRunRecord] = []
            for (path, entry) in state.inFlight where !entry.finalized {
                state.inFlight[path]?.finalized = true
                records.append(CronRunRecord(path: path, scheduledAt: entry.tick, startedAt: entry.startedAt,
                                             duration: entry.startedAt.duration(to: now), outcome: .cancelled, attempts: entry.attempts))
            }
            return records
        }
        for record in cancelled { await persist(record) }
        tasks.forEach { $0.cancel() }
        if await !finishes(tasks, within: CronLimits.cancellationGracePeriod) {
            log("cron: shutdown: a cron handler ignored cancellation; returning without waiting for it (its run is recorded as cancelled)")
        }
    }

    /// True if every task finishes before `limit` passes on the scheduler's clock.
    private func finishes(_ tasks: [Task<CronRunRecord, Never>], within limit: Duration) async -> Bool {
        let clock = self.clock
        let deadline = clock.now.advanced(by: limit)
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let once = ResumeOnce(continuation)
            let timer = Task {
                try? await clock.sleep(until: deadline)
                once.resume(returning: false)
            }
            Task {
                for task in tasks { _ = await task.value }
                // Cancel first: when the caller resumes, the grace timer no longer sleeps.
                timer.cancel()
                once.resume(returning: true)
            }
        }
    }
}

/// Resumes a continuation exactly once, whichever racer comes first.
private final class ResumeOnce: Sendable {
    private let continuation: Mutex<CheckedContinuation<Bool, Never>?>

    init(_ continuation: CheckedContinuation<Bool, Never>) {
        self.continuation = Mutex(continuation)
    }

    func resume(returning value: Bool) {
        continuation.withLock { $0.take() }?.resume(returning: value)
    }
}

extension CronScheduler {
    /// Schedules the jobs until the calling task is cancelled, then shuts down gracefully (see the
    /// type's documentation) and returns.
    /// - Throws: ``CronConfigurationError`` if this scheduler is already running.
    public func run() async throws {
        try state.withLock { state throws(CronConfigurationError) in
            guard !state.isRunning else { throw CronConfigurationError("the cron scheduler is already running") }
            state.isRunning = true
        }
        defer { state.withLock { $0.isRunning = false } }
        guard !jobs.isEmpty else {
            // Nothing to schedule: wait for shutdown without holding a timer.
            while !Task.isCancelled { try? await clock.sleep(until: clock.now.advanced(by: .seconds(86_400 * 365))) }
            return
        }
        let start = clock.now
        state.withLock { state in
            for job in jobs { state.nextFire[job.path] = job.schedule.nextDate(after: start) }
        }
        while !Task.isCancelled {
            let due = state.withLock { $0.nextFire.values.min()! }
            do {
                try await clock.sleep(until: due)
            } catch {
                break
            }
            let now = clock.now
            for job in jobs {
                guard let tick = state.withLock({ $0.nextFire[job.path] }), tick <= now else { continue }
                let next = job.schedule.nextDate(after: now)
                state.withLock { $0.nextFire[job.path] = next }
                if tick.duration(to: now) > CronLimits.lateTickExpiry {
                    log("cron \(job.path) scheduled=\(tick.iso8601) dropped: the scheduler woke at \(now.iso8601WithMilliseconds), "
                        + "more than \(CronLimits.lateTickExpiry) late; next=\(next.iso8601)")
                    continue
                }
                await fire(job, tick: tick)
            }
        }
        await drain()
    }

    /// Runs `path` now, exactly as a tick would (overlap check, lease with tick = now, retries,
    /// record, log line), and returns its record. This is `edge cron run PATH`.
    /// - Throws: ``CronConfigurationError`` when no job has that path.
    public func runNow(path: String) async throws(CronConfigurationError) -> CronRunRecord {
        guard let job = job(path: path) else {
            throw CronConfigurationError("no cron is declared with path \(path)")
        }
        let tick = clock.now
        guard let task = start(job, tick: tick) else {
            return await recordSkip(job, tick: tick)
        }
        return await task.value
    }

    /// Handles one due tick: skip on overlap, else start the run in its own task.
    func fire(_ job: CronJob, tick: CronInstant) async {
        if start(job, tick: tick) == nil {
            _ = await recordSkip(job, tick: tick)
        }
    }

    private func recordSkip(_ job: CronJob, tick: CronInstant) async -> CronRunRecord {
        let record = CronRunRecord(path: job.path, scheduledAt: tick, startedAt: clock.now, duration: .zero, outcome: .skippedOverlap, attempts: 0)
        await persist(record)
        return record
    }

    /// Registers a run of `job` for `tick` and starts its task, or returns nil if one is in flight.
    /// The task does not inherit the caller's cancellation: shutdown decides when to cancel it.
    private func start(_ job: CronJob, tick: CronInstant) -> Task<CronRunRecord, Never>? {
        let startedAt = clock.now
        let id: Int? = state.withLock { state in
            if state.inFlight[job.path] != nil { return nil }
            state.nextRunID += 1
            state.inFlight[job.path] = InFlight(id: state.nextRunID, tick: tick, startedAt: startedAt)
            return state.nextRunID
        }
        guard let id else { return nil }
        let task = Task { await self.execute(job, tick: tick, startedAt: startedAt, id: id) }
        state.withLock { state in
            if state.inFlight[job.path]?.id == id { state.inFlight[job.path]?.task = task }
        }
        return task
    }

    /// Lease, attempts with backoff, record. Runs in the run's own task.
    private func execute(_ job: CronJob, tick: CronInstant, startedAt: CronInstant, id: Int) async -> CronRunRecord {
        let acquired: Bool
        do {
            acquired = try await lease.acquire(job: job.path, tick: tick)
        } catch {
            return await finish(job, id: id, tick: tick, startedAt: startedAt, outcome: .failed(.leaseUnavailable(String(describing: error))), attempts: 0)
        }
        guard acquired else {
            return await finish(job, id: id, tick: tick, startedAt: startedAt, outcome: .lostLease, attempts: 0)
        }
        var attempt = 0
        var outcome: CronOutcome
        while true {
            attempt += 1
            state.withLock { state in
                if state.inFlight[job.path]?.id == id { state.inFlight[job.path]?.attempts = attempt }
            }
            outcome = await attemptOnce(job, tick: tick, attempt: attempt)
            if outcome.isSuccess { break }
            if Task.isCancelled {
                outcome = .cancelled
                break
            }
            guard attempt <= job.backoffSchedule.count else { break }
            do {
                try await clock.sleep(for: job.backoffSchedule[attempt - 1])
            } catch {
                outcome = .cancelled
                break
            }
        }
        // Release before recording, so that once the record is visible the next tick can be taken.
        await lease.release(job: job.path, tick: tick)
        return await finish(job, id: id, tick: tick, startedAt: startedAt, outcome: outcome, attempts: attempt)
    }

    private func attemptOnce(_ job: CronJob, tick: CronInstant, attempt: Int) async -> CronOutcome {
        let invocation = CronInvocation(path: job.path, schedule: job.schedule.source, scheduledAt: tick, attempt: attempt)
        do {
            let status = try await invoke(invocation)
            return status >= 500 ? .failed(.status(status)) : .ok(status: status)
        } catch {
            return .failed(.error(String(describing: error)))
        }
    }

    /// Writes the run's record unless shutdown already recorded it as cancelled, and frees the job
    /// for its next tick.
    private func finish(_ job: CronJob, id: Int, tick: CronInstant, startedAt: CronInstant, outcome: CronOutcome, attempts: Int) async -> CronRunRecord {
        let record = CronRunRecord(path: job.path, scheduledAt: tick, startedAt: startedAt, duration: startedAt.duration(to: clock.now), outcome: outcome, attempts: attempts)
        let alreadyRecorded = state.withLock { state -> Bool in
            guard let entry = state.inFlight[job.path], entry.id == id else { return true }
            state.inFlight[job.path] = nil
            return entry.finalized
        }
        if !alreadyRecorded { await persist(record) }
        return record
    }

    /// Stores and logs one record; a storage error is logged, never thrown.
    func persist(_ record: CronRunRecord) async {
        log(record.description)
        do {
            try await store.record(record)
        } catch {
            log("cron \(record.path): could not record the run: \(error)")
        }
    }
}

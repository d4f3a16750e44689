import EdgeRuntime

extension JobStore {
    /// The original's `_cleanup_jobs` (CONTRACTS §3.1), run by `/health` and at most once per
    /// ``JobsLimits/cleanupIntervalMs`` before other requests (``cleanupIfDue()``):
    /// 1. a `running` job whose runner process is gone (its liveness key expired) becomes `failed`
    ///    with `interrupted by restart`;
    /// 2. finished jobs whose `finishedAt` is older than `JOBS_TTL_SECONDS` are purged;
    /// 3. past `JOBS_MAX_ITEMS`, the oldest jobs (by `createdAt`) are purged, whatever their state;
    /// a purged job takes its id pointer, result, stored image and idempotency key with it.
    /// Returns the jobs that remain, oldest first.
    @discardableResult
    func cleanup() async throws -> [JobRecord] {
        let now = nowMs
        var alive: [JobRecord] = []
        var purge: [JobRecord] = []
        var runnerAlive: [String: Bool] = [:]
        for var entry in try await all() {
            if entry.job.status == .running, let runner = entry.job.runner {
                let live: Bool
                if let known = runnerAlive[runner] { live = known } else {
                    live = try await kv.get(JobKeys.runner(runner)).versionstamp != nil
                    runnerAlive[runner] = live
                }
                if !live,
                   let ended = try await end(entry, .failed, error: JobsText.interrupted, onlyIf: { $0.status == .running && $0.runner == runner }) {
                    entry = ended
                }
            }
            let job = entry.job
            if job.status.isTerminal, let finished = job.finishedMs, now - finished > config.ttlMs {
                purge.append(job)
            } else {
                alive.append(job)
            }
        }
        if alive.count > config.maxItems {
            purge += alive.prefix(alive.count - config.maxItems)
            alive.removeFirst(alive.count - config.maxItems)
        }
        try await delete(purge)
        return alive
    }

    /// Deletes a job and everything that belongs to it.
    func delete(_ job: JobRecord) async throws { try await delete([job]) }

    /// Deletes jobs and everything that belongs to them, ``JobsLimits/purgeBatch`` jobs per commit. A
    /// batch whose commit loses a race on an idempotency key (another request took the key over) is
    /// retried one job at a time, and that job's key is left to its new owner.
    func delete(_ jobs: [JobRecord]) async throws {
        var start = 0
        while start < jobs.count {
            let batch = jobs[start..<min(jobs.count, start + JobsLimits.purgeBatch)]
            start += batch.count
            let op = kv.atomic()
            for job in batch { try await addDeletion(of: job, to: op) }
            if case .ok = try await op.commit() {} else if batch.count > 1 {
                for job in batch {
                    let single = kv.atomic()
                    try await addDeletion(of: job, to: single)
                    _ = try await single.commit()
                }
            }
            for job in batch { await deleteChunkedPayload(of: job) }
        }
    }

    private func addDeletion(of job: JobRecord, to op: KvAtomicOperation) async throws {
        op.delete(JobKeys.job(job.seq)).delete(JobKeys.id(job.jobId)).delete(JobKeys.result(job.jobId))
            .delete(JobKeys.inlinePayload(job.jobId))
        if let key = job.idempotencyKey {
            let entry = try await kv.get(JobKeys.idempotency(key))
            if case .string(job.jobId)? = entry.value {
                op.check(JobKeys.idempotency(key), versionstamp: entry.versionstamp).delete(JobKeys.idempotency(key))
            }
        }
    }

    /// Ends the job in a terminal state if `onlyIf` holds for its current record, re-reading after a lost
    /// race. Returns the ended entry, or nil when `onlyIf` refused (or the job is gone).
    func end(_ entry: (job: JobRecord, stamp: Versionstamp), _ status: JobRecord.Status, error: String?,
             onlyIf condition: (JobRecord) -> Bool,
             _ extra: (KvAtomicOperation) -> Void = { _ in }) async throws -> (job: JobRecord, stamp: Versionstamp)? {
        var current = entry
        for _ in 0..<JobsLimits.maxCommitAttempts {
            guard condition(current.job) else { return nil }
            var ended = current.job
            ended.finish(status, error: error, nowMs: nowMs)
            let jobId = ended.jobId
            if try await replace(current, with: ended, { op in op.delete(JobKeys.inlinePayload(jobId)); extra(op) }) {
                await deleteChunkedPayload(of: ended)
                guard let fresh = try await find(ended.jobId) else { return nil }
                return fresh
            }
            guard let fresh = try await find(current.job.jobId) else { return nil }
            current = fresh
        }
        throw HTTPError(.serviceUnavailable, code: "storage_busy", message: "Too many concurrent updates of job \(entry.job.jobId); retry")
    }

    /// `POST /jobs/{id}/cancel`: `pending`/`running` become `canceled`; `canceled` stays (idempotent);
    /// `done`/`failed`/`timeout` are 409 `job_not_cancelable`.
    func cancel(_ jobId: String) async throws -> JobRecord {
        guard var current = try await find(jobId) else { throw JobsErrors.notFound(jobId) }
        for _ in 0..<JobsLimits.maxCommitAttempts {
            switch current.job.status {
            case .canceled: return current.job
            case .done, .failed, .timeout:
                throw HTTPError(.conflict, code: "job_not_cancelable", message: "job already completed",
                                details: ["jobId": .string(jobId), "status": .string(current.job.status.rawValue)])
            case .pending, .running:
                if let ended = try await end(current, .canceled, error: JobsText.canceled, onlyIf: { !$0.status.isTerminal }) {
                    return ended.job
                }
                guard let fresh = try await find(jobId) else { throw JobsErrors.notFound(jobId) }
                current = fresh
            }
        }
        throw HTTPError(.serviceUnavailable, code: "storage_busy", message: "Too many concurrent updates of job \(jobId); retry")
    }
}

/// The `error` texts of the lifecycle (CONTRACTS §3.3, §3.4).
enum JobsText {
    static let interrupted = "interrupted by restart"
    static let canceled = "job canceled by user"
    static let timeout = "job exceeded processing timeout"
}

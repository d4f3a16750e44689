import EdgeRuntime

extension JobStore {
    /// Creates a pending job and enqueues its run in one commit, or returns the live job that
    /// `input.idempotencyKey` already names (`created` false; the payload is not compared).
    ///
    /// The image is stored first (``KvChunkedValues``, under a fresh job id); then one atomic commit
    /// checks the idempotency key and the sequence counter and writes the counter, the record, the id
    /// pointer, the idempotency key and the queue message. Concurrent creates with one key all race for
    /// that commit: one wins, the others re-read, find its job and delete their own image.
    func create(_ input: DetectInput) async throws -> (job: JobRecord, created: Bool) {
        if let key = input.idempotencyKey, let existing = try await job(forIdempotencyKey: key) {
            return (existing.job, false)
        }
        let jobId = Self.newId()
        _ = try await payloads.set(JobKeys.payload(jobId), Array(input.imageBase64.utf8), expireIn: JobsLimits.payloadRetentionMs)
        for _ in 0..<JobsLimits.maxCommitAttempts {
            var keyEntry: KvEntry? = nil
            if let key = input.idempotencyKey {
                let entry = try await kv.get(JobKeys.idempotency(key))
                if case .string(let owner)? = entry.value, let existing = try await find(owner) {
                    try? await payloads.delete(JobKeys.payload(jobId))
                    return (existing.job, false)
                }
                keyEntry = entry
            }
            let counter = try await kv.get(JobKeys.counter)
            let seq = (Self.int(counter.value) ?? 0) + 1
            let now = nowMs
            let job = JobRecord(jobId: jobId, seq: seq, status: .pending, task: JobsLimits.task, createdAt: JobTime.iso(now),
                                createdMs: now, idempotencyKey: input.idempotencyKey, minScore: input.minScore,
                                debugSleepMs: input.debugSleepMs)
            let op = kv.atomic()
                .check(JobKeys.counter, versionstamp: counter.versionstamp)
                .set(JobKeys.counter, .number(Double(seq)))
                .set(JobKeys.job(seq), encoding: job)
                .set(JobKeys.id(jobId), .number(Double(seq)))
                .enqueue(Self.message("run", jobId), options: KvQueueOptions(backoffSchedule: Self.retries))
            if let key = input.idempotencyKey, let keyEntry {
                op.check(JobKeys.idempotency(key), versionstamp: keyEntry.versionstamp).set(JobKeys.idempotency(key), .string(jobId))
            }
            if case .ok = try await op.commit() {
                try await enforceCap()
                return (job, true)
            }
        }
        try? await payloads.delete(JobKeys.payload(jobId))
        throw HTTPError(.serviceUnavailable, code: "storage_busy", message: "Too many concurrent job creations; retry")
    }

    /// Purges the oldest jobs past `JOBS_MAX_ITEMS` (the cleanup's third rule, on every create).
    func enforceCap() async throws {
        let count = try kv.count(.prefix(JobKeys.jobs))
        guard count > config.maxItems else { return }
        var oldest: [JobRecord] = []
        for try await e in try kv.list(.prefix(JobKeys.jobs), options: KvListOptions(limit: count - config.maxItems)) {
            if let job = try? e.decode(as: JobRecord.self) { oldest.append(job) }
        }
        for job in oldest { try await delete(job) }
    }

    /// The live job an idempotency key names, if any.
    func job(forIdempotencyKey key: String) async throws -> (job: JobRecord, stamp: Versionstamp)? {
        guard case .string(let owner)? = try await kv.get(JobKeys.idempotency(key)).value else { return nil }
        return try await find(owner)
    }
}

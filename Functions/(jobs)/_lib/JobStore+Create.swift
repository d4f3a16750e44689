import EdgeRuntime

extension JobStore {
    /// Creates a pending job and enqueues its run in one commit, or returns the live job that
    /// `input.idempotencyKey` already names (`created` false; the payload is not compared).
    ///
    /// The image is stored first (``KvChunkedValues``, under a fresh job id); then one atomic commit
    /// checks that the idempotency key and the job's creation number (``JobSequence``) are free and
    /// writes the record, the id pointer, the idempotency key and the queue message. Concurrent creates
    /// with one key all race for that commit: one wins, the others re-read, find its job and delete
    /// their own image. Creates without a key share nothing, so they never retry one another.
    func create(_ input: DetectInput) async throws -> (job: JobRecord, created: Bool) {
        if let key = input.idempotencyKey, let existing = try await job(forIdempotencyKey: key) {
            return (existing.job, false)
        }
        let jobId = Self.newId()
        let image = Array(input.imageBase64.utf8)
        let inline = image.count <= JobsLimits.inlinePayloadBytes
        if !inline { _ = try await payloads.set(JobKeys.payload(jobId), image, expireIn: JobsLimits.payloadRetentionMs) }
        for _ in 0..<JobsLimits.maxCommitAttempts {
            var keyEntry: KvEntry? = nil
            if let key = input.idempotencyKey {
                let entry = try await kv.get(JobKeys.idempotency(key))
                if case .string(let owner)? = entry.value, let existing = try await find(owner) {
                    if !inline { try? await payloads.delete(JobKeys.payload(jobId)) }
                    return (existing.job, false)
                }
                keyEntry = entry
            }
            let now = nowMs
            let seq = JobSequence.next(nowMs: now)
            let job = JobRecord(jobId: jobId, seq: seq, status: .pending, task: JobsLimits.task, createdAt: JobTime.iso(now),
                                createdMs: now, idempotencyKey: input.idempotencyKey, minScore: input.minScore,
                                debugSleepMs: input.debugSleepMs, chunkedPayload: !inline)
            let op = kv.atomic()
                .check(JobKeys.job(seq), versionstamp: nil)
                .set(JobKeys.job(seq), encoding: job)
                .set(JobKeys.id(jobId), .number(Double(seq)))
            if inline { op.set(JobKeys.inlinePayload(jobId), .bytes(image), expireIn: JobsLimits.payloadRetentionMs) }
            op.enqueue(Self.message("run", jobId), options: KvQueueOptions(backoffSchedule: Self.retries))
            if let key = input.idempotencyKey, let keyEntry {
                op.check(JobKeys.idempotency(key), versionstamp: keyEntry.versionstamp).set(JobKeys.idempotency(key), .string(jobId))
            }
            if case .ok = try await op.commit() {
                try await enforceCap()
                return (job, true)
            }
        }
        if !inline { try? await payloads.delete(JobKeys.payload(jobId)) }
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
        try await delete(oldest)
    }

    /// The live job an idempotency key names, if any.
    func job(forIdempotencyKey key: String) async throws -> (job: JobRecord, stamp: Versionstamp)? {
        guard case .string(let owner)? = try await kv.get(JobKeys.idempotency(key)).value else { return nil }
        return try await find(owner)
    }
}

import EdgeRuntime
import FoundationEssentials

/// The jobs of system 002 in KV (layout: ``JobKeys``). Every state change is a check-and-set on the
/// job's record, so concurrent requests, runners and deadlines never overwrite each other: the first
/// terminal state written wins (a cancel beats a late result, a deadline beats a slow detector).
struct JobStore: Sendable {
    let kv: Kv
    let config: JobsConfig

    init(kv: Kv, config: JobsConfig) {
        self.kv = kv
        self.config = config
    }

    var nowMs: Int64 { kv.clock.nowMs() }

    var payloads: KvChunkedValues {
        KvChunkedValues(kv: kv, maxBytes: JobsLimits.maxPayloadBytes, chunkPrefix: { JobKeys.payloadChunks($0) })
    }

    /// The job and its record's versionstamp, or nil.
    func find(_ jobId: String) async throws -> (job: JobRecord, stamp: Versionstamp)? {
        guard jobId.utf8.count <= 128 else { return nil }  // never a job id; keeps the key within KV's limits
        guard let seq = Self.int(try await kv.get(JobKeys.id(jobId)).value) else { return nil }
        guard let e = try await kv.get(JobKeys.job(seq), as: JobRecord.self), isLive(e.value, nowMs: nowMs) else { return nil }
        return (e.value, e.versionstamp)
    }

    /// False for a finished job older than `JOBS_TTL_SECONDS`: purged or about to be, it is gone for
    /// every reader from that instant (the cleanup deletes it later).
    func isLive(_ job: JobRecord, nowMs: Int64) -> Bool {
        guard job.status.isTerminal, let finished = job.finishedMs else { return true }
        return nowMs - finished <= config.ttlMs
    }

    /// Writes `new` over `old` if the record has not changed since `old` was read; `extra` adds mutations
    /// to the same commit. False when another writer came first (re-read and decide again).
    func replace(_ old: (job: JobRecord, stamp: Versionstamp), with new: JobRecord,
                 _ extra: (KvAtomicOperation) -> Void = { _ in }) async throws -> Bool {
        let op = kv.atomic().check(JobKeys.job(new.seq), versionstamp: old.stamp).set(JobKeys.job(new.seq), encoding: new)
        extra(op)
        if case .ok = try await op.commit() { return true }
        return false
    }

    /// Every live job (``isLive(_:nowMs:)``), newest first.
    func newestFirst() async throws -> [JobRecord] {
        let now = nowMs
        var out: [JobRecord] = []
        for try await e in try kv.list(.prefix(JobKeys.jobs), options: KvListOptions(reverse: true)) {
            if let job = try? e.decode(as: JobRecord.self), isLive(job, nowMs: now) { out.append(job) }
        }
        return out
    }

    /// Every stored job, oldest first.
    func all() async throws -> [(job: JobRecord, stamp: Versionstamp)] {
        var out: [(job: JobRecord, stamp: Versionstamp)] = []
        for try await e in try kv.list(.prefix(JobKeys.jobs)) {
            if let job = try? e.decode(as: JobRecord.self), let stamp = e.versionstamp { out.append((job, stamp)) }
        }
        return out
    }

    /// The job's stored image (the data URL's bytes), or nil when it is gone.
    func payload(of job: JobRecord) async throws -> [UInt8]? {
        if job.chunkedPayload == true { return try await payloads.get(JobKeys.payload(job.jobId))?.bytes }
        guard case .bytes(let b)? = try await kv.get(JobKeys.inlinePayload(job.jobId)).value else { return nil }
        return b
    }

    /// Deletes a chunked image (an inline one goes in the commit that ends or deletes the job).
    func deleteChunkedPayload(of job: JobRecord) async {
        if job.chunkedPayload == true { try? await payloads.delete(JobKeys.payload(job.jobId)) }
    }

    static func int(_ value: KvValue?) -> Int? {
        guard case .number(let n)? = value, n.isFinite, n.rounded() == n, abs(n) < 9e15 else { return nil }
        return Int(n)
    }

    static func newId() -> String { UUID().uuidString.lowercased() }

    static func message(_ kind: String, _ jobId: String) -> KvValue {
        .object([.init("app", "jobs"), .init("kind", .string(kind)), .init("jobId", .string(jobId))])
    }

    /// Queue retries of a message whose handler failed (storage trouble), in ms.
    static let retries: [Double] = [1000, 5000, 30000, 60000]
}

import EdgeRuntime
import FoundationEssentials

/// Runs jobs from the KV queue, in whichever serving process leases the message (CONTRACTS §3.3).
///
/// Messages are `{"app":"jobs","kind":"run","jobId"}`: `pending` → `running`; then `debugSleepMs`, the
/// detector on a ``CPUWork`` thread, and `running` → `done` with the result, or `failed` with the reason.
/// Beside the work, a deadline at T + `JOB_RUN_TIMEOUT_SECONDS` (by the KV clock) turns the job into
/// `timeout`, `job exceeded processing timeout`, whether or not the detector has returned. Each end
/// only applies while the job is still in *this* run (`runToken`): a job canceled or timed out meanwhile
/// keeps that state and a late result is dropped. A `run` message for a job already `running` was leased
/// by a process that died (a consumer holds its lease until it returns): the job becomes `failed`,
/// `interrupted by restart`.
struct JobRunner: Sendable {
    let store: JobStore
    /// This process's liveness identity (``JobKeys/runner(_:)``).
    let instance: String
    let logger: Logger

    func handle(_ message: KvValue) async throws {
        guard case .object(let members) = message,
              members.contains(where: { $0.name == "app" && $0.value == .string("jobs") }),
              case .string(let kind)? = members.first(where: { $0.name == "kind" })?.value,
              case .string(let jobId)? = members.first(where: { $0.name == "jobId" })?.value
        else {
            logger.warning("jobs: dropped a queue message that is not a job message")
            return
        }
        switch kind {
        case "run": try await run(jobId)
        default:
            logger.warning("jobs: dropped a queue message of unknown kind", metadata: ["kind": .string(kind)])
        }
    }

    /// The run and its deadline race; whichever ends first writes its state (if the job is still in
    /// this run) and the other is cancelled.
    private func run(_ jobId: String) async throws {
        guard let (started, startedMs) = try await start(jobId) else { return }
        let token = started.runToken
        let deadline = startedMs + Int64(store.config.runTimeoutMs)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await work(started) }
            group.addTask {
                try await store.kv.clock.sleep(untilMs: deadline)
                guard let entry = try await store.find(jobId) else { return }
                _ = try await store.end(entry, .timeout, error: JobsText.timeout, onlyIf: { $0.status == .running && $0.runToken == token })
            }
            try await group.next()
            group.cancelAll()
        }
    }

    /// `debugSleepMs`, the detector, and `done` or `failed` while the job is still in this run.
    private func work(_ started: JobRecord) async throws {
        let jobId = started.jobId
        let clock = ContinuousClock()
        let t0 = clock.now
        if started.debugSleepMs > 0 {
            try await store.kv.clock.sleep(untilMs: store.nowMs + Int64(started.debugSleepMs))
        }
        let outcome: Result<[Detector.Box], DetectFailure>
        if let bytes = try await store.payload(of: started) {
            let dataURL = String(decoding: bytes, as: UTF8.self)
            let minScore = started.minScore
            outcome = try await CPUWork.run { Detector.result(dataURL: dataURL, minScore: minScore) }
        } else {
            outcome = .failure(DetectFailure(reason: "the stored image is gone"))
        }
        let latencyMs = Self.milliseconds(clock.now - t0)
        guard let entry = try await store.find(jobId) else { return }
        let token = started.runToken
        let inThisRun: (JobRecord) -> Bool = { $0.status == .running && $0.runToken == token }
        switch outcome {
        case .success(let boxes):
            let result: JSONValue = ["objects": Detector.json(boxes), "modelVersion": .string(JobsLimits.modelVersion),
                                     "latencyMs": .number(latencyMs)]
            let stored = try KvValue(json: result.serialized)
            _ = try await store.end(entry, .done, error: nil, onlyIf: inThisRun) { op in op.set(JobKeys.result(jobId), stored) }
        case .failure(let failure):
            _ = try await store.end(entry, .failed, error: "invalid image payload: \(failure.reason)", onlyIf: inThisRun)
        }
    }

    /// `pending` → `running`; the job and its start time (KV clock), or nil when there is nothing to run.
    private func start(_ jobId: String) async throws -> (job: JobRecord, startedMs: Int64)? {
        for _ in 0..<JobsLimits.maxCommitAttempts {
            guard let entry = try await store.find(jobId) else { return nil }
            switch entry.job.status {
            case .running:
                let token = entry.job.runToken
                _ = try await store.end(entry, .failed, error: JobsText.interrupted, onlyIf: { $0.status == .running && $0.runToken == token })
                return nil
            case .pending: break
            default: return nil
            }
            var job = entry.job
            let now = store.nowMs
            job.status = .running
            job.startedAt = JobTime.iso(now)
            job.runner = instance
            let token = JobStore.newId()
            job.runToken = token
            if try await store.replace(entry, with: job) { return (job, now) }
        }
        throw HTTPError(.serviceUnavailable, code: "storage_busy", message: "Too many concurrent updates of job \(jobId)")
    }

    /// A duration in milliseconds, rounded to 2 places.
    static func milliseconds(_ d: Duration) -> Double {
        let (s, atto) = d.components
        return ((Double(s) * 1000 + Double(atto) / 1e15) * 100).rounded() / 100
    }
}

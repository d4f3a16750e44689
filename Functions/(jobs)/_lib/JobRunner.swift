import EdgeRuntime
import FoundationEssentials

/// Runs jobs from the KV queue, in whichever serving process leases the message (CONTRACTS §3.3).
///
/// Messages are `{"app":"jobs","kind","jobId"}`:
/// - `run`: `pending` → `running` (and, in the same commit, a `deadline` message delayed by the run
///   timeout); then `debugSleepMs`, the detector on a ``CPUWork`` thread, and `running` → `done` with the
///   result, or `failed` with the reason. The last step only applies while the job is still in *this*
///   run (`runToken`): a job canceled or timed out meanwhile keeps that state and the result is dropped.
///   A `run` message for a job already `running` was leased by a process that died (a consumer holds its
///   lease until it returns): the job becomes `failed`, `interrupted by restart`.
/// - `deadline`: a job still in the run the message names becomes `timeout`, `job exceeded processing
///   timeout`: at T + `JOB_RUN_TIMEOUT_SECONDS` by the KV clock, whether or not the detector has returned.
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
        case "deadline":
            guard case .string(let token)? = members.first(where: { $0.name == "token" })?.value else { return }
            if let entry = try await store.find(jobId) {
                _ = try await store.end(entry, .timeout, error: JobsText.timeout, onlyIf: { $0.status == .running && $0.runToken == token })
            }
        default:
            logger.warning("jobs: dropped a queue message of unknown kind", metadata: ["kind": .string(kind)])
        }
    }

    private func run(_ jobId: String) async throws {
        guard let started = try await start(jobId) else { return }
        let clock = ContinuousClock()
        let t0 = clock.now
        if started.debugSleepMs > 0 {
            try await store.kv.clock.sleep(untilMs: store.nowMs + Int64(started.debugSleepMs))
        }
        let outcome: Result<[Detector.Box], DetectFailure>
        if let payload = try await store.payloads.get(JobKeys.payload(jobId)) {
            let dataURL = String(decoding: payload.bytes, as: UTF8.self)
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

    /// `pending` → `running` with a deadline message in the same commit; nil when there is nothing to run.
    private func start(_ jobId: String) async throws -> JobRecord? {
        for _ in 0..<JobsLimits.maxCommitAttempts {
            guard let entry = try await store.find(jobId) else { return nil }
            switch entry.job.status {
            case .running:
                _ = try await store.end(entry, .failed, error: JobsText.interrupted, onlyIf: { $0.status == .running && $0.runToken == entry.job.runToken })
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
            let timeout = Double(store.config.runTimeoutMs)
            let ok = try await store.replace(entry, with: job) { op in
                op.enqueue(JobStore.message("deadline", jobId, token: token), options: KvQueueOptions(delay: timeout, backoffSchedule: JobStore.retries))
            }
            if ok { return job }
        }
        throw HTTPError(.serviceUnavailable, code: "storage_busy", message: "Too many concurrent updates of job \(jobId)")
    }

    /// A duration in milliseconds, rounded to 2 places.
    static func milliseconds(_ d: Duration) -> Double {
        let (s, atto) = d.components
        return ((Double(s) * 1000 + Double(atto) / 1e15) * 100).rounded() / 100
    }
}

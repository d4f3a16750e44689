import EdgeRuntime

/// `POST /prepare/start?runId=...&gpuId=...` (CONTRACTS §4.3): starts the run's preparation and returns
/// its `PrepareStatusResponse`.
///
/// - `gpuId` names a catalogue GPU (unknown: 400; held by another running preparation: 409). Without
///   it the first free GPU is taken, or none when none is free.
/// - Already `Running` or `Succeeded`: 200 with the current state, nothing restarted. After `Failed`:
///   a fresh start.
/// - "Validate artifact" is real (``ArtifactValidator``): it runs now, and a failure shows on that
///   step when its simulated time is up. An artifact whose file name contains `fail` fails at
///   "Warm up model" (for UI testing).
/// - The GPU is leased in the same check-and-set as the run's record, until the preparation ends.
struct PrepareStart: EdgeFunction {
    static let methods: HTTPMethods = [.post]

    func handle(_ request: Request, context: Context) async throws -> Response {
        PersephoneSession.note(request, context: context)
        let runs = try PersephoneRuns(context)
        let kv = runs.kv
        let gpuParam = request.query["gpuId"].flatMap { $0.isEmpty ? nil : $0 }
        let catalogue = await GpuCatalogue.load(runs.config)
        for _ in 0..<PersephoneLimits.maxCommitAttempts {
            let (run, stamp) = try await runs.find(request)
            let now = runs.nowMs
            let current = PrepareState(run, nowMs: now)
            if run.prepare != nil, current.phase == .running || current.phase == .succeeded { return .json(current.json) }
            var gpu: GpuOption? = nil
            if let gpuParam {
                guard let g = catalogue.first(where: { $0.id == gpuParam }) else {
                    throw PersephoneErrors.bad("unknown gpuId \(gpuParam.prefix(PersephoneLimits.maxIdLength))")
                }
                gpu = g
            } else {
                gpu = try await GpuCatalogue.free(catalogue, kv: kv, nowMs: now).first
            }
            var leaseEntry: KvEntry? = nil
            if let g = gpu {
                let e = try await kv.get(PersephoneKeys.gpu(g.id))
                if let lease = try e.decode(as: GpuLease.self), lease.untilMs > now, lease.runId != run.runId {
                    if gpuParam != nil {
                        throw HTTPError(.conflict, code: "gpu_in_use", message: "GPU \(g.id) is in use by another preparation")
                    }
                    continue  // taken since it was listed as free: pick again
                }
                leaseEntry = e
            }
            let problem = try await CPUWork.run { ArtifactValidator.validate(run) }
            var prepare = PrepareRecord(startedMs: now, stepMs: runs.config.prepareStepMs, gpuId: gpu?.id)
            if let problem {
                prepare.failStep = 0
                prepare.failMessage = problem
            } else if run.fileName.lowercased().contains("fail") {
                prepare.failStep = PersephoneLimits.prepareSteps.count - 1
                prepare.failMessage = "warm-up failed: the model did not become ready (simulated for artifacts named *fail*)"
            }
            var updated = run
            updated.prepare = prepare
            let state = PrepareState(updated, nowMs: now)
            let op = kv.atomic().check(PersephoneKeys.run(run.runId), versionstamp: stamp).set(PersephoneKeys.run(run.runId), encoding: updated)
            if let g = gpu, let leaseEntry, let end = state.endMs, end > now {
                op.check(PersephoneKeys.gpu(g.id), versionstamp: leaseEntry.versionstamp)
                    .set(PersephoneKeys.gpu(g.id), encoding: GpuLease(runId: run.runId, untilMs: end), expireIn: Int(end - now) + 1_000)
            }
            if case .ok = try await op.commit() {
                context.logField("runId", run.runId)
                return .json(state.json)
            }
        }
        throw PersephoneErrors.busy
    }
}

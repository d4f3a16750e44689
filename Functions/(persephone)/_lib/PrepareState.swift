import EdgeRuntime

/// A run's preparation at one instant (CONTRACTS §4.3), derived from its record and the clock only, so
/// no background task moves it: step `i` runs during `[start + i·step, start + (i+1)·step)` and then
/// succeeds, except the failing step (if any), which fails at its end and leaves the later steps
/// `Pending`.
///
/// Before start: phase `Pending`, all steps `Pending`, `updatedAt` the upload time. Phase `Running`
/// while a step runs, `Succeeded` when all have, `Failed` once the failing step has. `completedAt` is
/// on finished steps; `updatedAt` is the last transition at or before now.
struct PrepareState: Sendable {
    enum Phase: String, Sendable { case pending = "Pending", running = "Running", succeeded = "Succeeded", failed = "Failed" }

    struct Step: Sendable {
        var name: String
        var status: Phase
        var message: String?
        var completedMs: Int64?
    }

    let runId: String
    let phase: Phase
    let steps: [Step]
    let updatedMs: Int64
    /// When the preparation ends (succeeds or fails); nil before start.
    let endMs: Int64?

    init(_ run: RunRecord, nowMs: Int64) {
        runId = run.runId
        let names = PersephoneLimits.prepareSteps
        guard let p = run.prepare else {
            phase = .pending
            steps = names.map { Step(name: $0, status: .pending) }
            updatedMs = run.createdMs
            endMs = nil
            return
        }
        let lastStep = p.failStep.map { min(max($0, 0), names.count - 1) } ?? names.count - 1
        var steps: [Step] = []
        var updated = p.startedMs
        for (i, name) in names.enumerated() {
            let begin = p.startedMs + Int64(i) * p.stepMs, end = begin + p.stepMs
            if i > lastStep || nowMs < begin {
                steps.append(Step(name: name, status: .pending))
                continue
            }
            updated = max(updated, begin)
            if nowMs < end {
                steps.append(Step(name: name, status: .running))
            } else if i == lastStep, p.failStep != nil {
                steps.append(Step(name: name, status: .failed, message: p.failMessage ?? "step failed", completedMs: end))
                updated = end
            } else {
                steps.append(Step(name: name, status: .succeeded, message: nil, completedMs: end))
                updated = end
            }
        }
        self.steps = steps
        let end = p.startedMs + Int64(lastStep + 1) * p.stepMs
        endMs = end
        if nowMs >= end { phase = p.failStep == nil ? .succeeded : .failed } else { phase = .running }
        updatedMs = updated
    }

    /// `PrepareStatusResponse`.
    var json: JSONValue {
        let steps: [JSONValue] = self.steps.map { s in
            var o: JSONObject = ["name": .string(s.name), "status": .string(s.status.rawValue)]
            if let m = s.message { o["message"] = .string(m) }
            if let c = s.completedMs { o["completedAt"] = .string(WallClock.iso8601(epochMilliseconds: c)) }
            return .object(o)
        }
        return ["runId": .string(runId), "phase": .string(phase.rawValue), "steps": .array(steps),
                "updatedAt": .string(WallClock.iso8601(epochMilliseconds: updatedMs))]
    }
}

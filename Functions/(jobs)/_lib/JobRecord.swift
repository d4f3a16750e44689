import EdgeRuntime

/// One job as stored at `["jobs","job",seq]` (``JobKeys``). `seq` is the job's creation number
/// (``JobSequence``), so listing the prefix backwards is `createdAt` descending.
struct JobRecord: Codable, Sendable, Equatable {
    enum Status: String, Codable, Sendable, CaseIterable {
        case pending, running, done, failed, canceled, timeout

        var isTerminal: Bool { self != .pending && self != .running }
    }

    var jobId: String
    var seq: Int
    var status: Status
    var task: String
    var createdAt: String
    var createdMs: Int64
    var startedAt: String?
    var finishedAt: String?
    var finishedMs: Int64?
    var error: String?
    var idempotencyKey: String?
    /// The job's input besides the image (which lives at `["jobs","payload",jobId]`).
    var minScore: Double
    var debugSleepMs: Int
    /// While running: the process instance running it, and the token of this run (a run's deadline
    /// and result apply only while the job is still in that run).
    var runner: String?
    var runToken: String?
    /// True when the image is chunked at `["jobs","payload",jobId]`, else it is one value at
    /// `["jobs","payloadInline",jobId]`.
    var chunkedPayload: Bool? = nil

    /// `GET /jobs/{id}` and the list items: nullable fields present as null.
    func statusJSON(requestId: String? = nil) -> JSONValue {
        var o: JSONObject = [
            "jobId": .string(jobId), "status": .string(status.rawValue), "task": .string(task),
            "createdAt": .string(createdAt), "startedAt": startedAt.map(JSONValue.string) ?? .null,
            "finishedAt": finishedAt.map(JSONValue.string) ?? .null, "error": error.map(JSONValue.string) ?? .null,
        ]
        if let requestId { o["requestId"] = .string(requestId) }
        return .object(o)
    }

    /// Ends the job in `status` at `nowMs` with `error`.
    mutating func finish(_ status: Status, error: String?, nowMs: Int64) {
        self.status = status
        self.error = error
        finishedAt = JobTime.iso(nowMs)
        finishedMs = nowMs
        runner = nil
    }
}

/// The app's KV layout. Everything lives under `["jobs", …]`.
enum JobKeys {
    static let jobs: KvKey = ["jobs", "job"]
    static func job(_ seq: Int) -> KvKey { ["jobs", "job", .number(Double(seq))] }
    /// jobId → seq.
    static func id(_ jobId: String) -> KvKey { ["jobs", "id", .string(jobId)] }
    static let idempotency: KvKey = ["jobs", "idem"]
    /// idempotencyKey → jobId.
    static func idempotency(_ key: String) -> KvKey { ["jobs", "idem", .string(key)] }
    /// Present while a full cleanup is not due (expires after ``JobsLimits/cleanupIntervalMs``).
    static let cleanupGate: KvKey = ["jobs", "cleanupGate"]
    static func payload(_ jobId: String) -> KvKey { ["jobs", "payload", .string(jobId)] }
    static func inlinePayload(_ jobId: String) -> KvKey { ["jobs", "payloadInline", .string(jobId)] }
    static func result(_ jobId: String) -> KvKey { ["jobs", "result", .string(jobId)] }
    static func runner(_ instance: String) -> KvKey { ["jobs", "runner", .string(instance)] }
    static func payloadChunks(_ key: KvKey) -> KvKey { ["jobs", "payloadChunk"] + key.dropFirst(2) }
}

/// Times as the original writes them: `YYYY-MM-DDTHH:MM:SSZ` (second precision, UTC).
enum JobTime {
    static func iso(_ ms: Int64) -> String {
        let full = WallClock.iso8601(epochMilliseconds: ms)  // …SS.mmmZ
        guard let dot = full.lastIndex(of: ".") else { return full }
        return String(full[..<dot]) + "Z"
    }
}

import EdgeRuntime

/// A validated `POST /detect/objects` or `POST /jobs` body (CONTRACTS §3.3).
///
/// Validation follows the original's pydantic models: the body must be a JSON object; `imageBase64` a
/// string; `minScore` a number (default 0.35); `debugSleepMs` an integer (default 0, at most
/// ``JobsLimits/maxDebugSleepMs``; negative means no sleep); for jobs, `task` exactly `detect-objects`
/// and `idempotencyKey` a string or null. Every failure is collected and answered once as 422
/// `validation_error`; nothing is stored.
struct DetectInput: Sendable {
    var imageBase64: String
    var minScore: Double
    var debugSleepMs: Int
    var idempotencyKey: String?

    /// ``parse(_:path:job:)`` for a request body: bodies past ``JobsLimits/inlineParseBytes`` (up to the
    /// 10 MiB cap) are parsed on a ``CPUWork`` thread, not on the connection's event loop.
    static func parse(_ request: Request, job: Bool) async throws -> DetectInput {
        let bytes = try await request.bytes()
        let path = request.path
        if bytes.count <= JobsLimits.inlineParseBytes { return try parse(bytes, path: path, job: job) }
        return try await CPUWork.run { try parse(bytes, path: path, job: job) }
    }

    /// Parses and validates `bytes`; `job` adds the `task` and `idempotencyKey` rules.
    static func parse(_ bytes: [UInt8], path: String, job: Bool) throws(HTTPError) -> DetectInput {
        let value: JSONValue
        do { value = try JSONValue.parse(bytes) } catch {
            throw JobsErrors.validation(path: path, [JobsErrors.issue("json_invalid", ["body"], "JSON decode error: \(error.description)")])
        }
        guard let body = value.objectValue else {
            throw JobsErrors.validation(path: path, [
                JobsErrors.issue("model_attributes_type", ["body"], "Input should be a valid dictionary or object"),
            ])
        }
        var issues: [JSONValue] = []
        func issue(_ type: String, _ field: String, _ msg: String) { issues.append(JobsErrors.issue(type, ["body", field], msg)) }

        if job {
            switch body["task"] {
            case nil: issue("missing", "task", "Field required")
            case .string(JobsLimits.task)?: break
            default: issue("literal_error", "task", "Input should be '\(JobsLimits.task)'")
            }
        }
        var image = ""
        switch body["imageBase64"] {
        case nil: issue("missing", "imageBase64", "Field required")
        case .string(let s)?: image = s
        default: issue("string_type", "imageBase64", "Input should be a valid string")
        }
        var minScore = JobsLimits.defaultMinScore
        switch body["minScore"] {
        case nil: break
        case .number(let n)? where n.isFinite: minScore = n
        default: issue("float_type", "minScore", "Input should be a valid number")
        }
        var sleep = 0
        switch body["debugSleepMs"] {
        case nil: break
        case .number(let n)? where n.rounded() == n && n.isFinite:
            if n > Double(JobsLimits.maxDebugSleepMs) {
                issue("less_than_equal", "debugSleepMs", "Input should be less than or equal to \(JobsLimits.maxDebugSleepMs)")
            } else {
                sleep = n > 0 ? Int(n) : 0  // 0 < n <= maxDebugSleepMs: exact
            }
        default: issue("int_type", "debugSleepMs", "Input should be a valid integer")
        }
        var key: String? = nil
        if job {
            switch body["idempotencyKey"] {
            case nil, .null?: break
            case .string(let s)? where s.utf8.count <= JobsLimits.maxIdempotencyKeyBytes: key = s.isEmpty ? nil : s
            case .string?: issue("string_too_long", "idempotencyKey", "String should have at most \(JobsLimits.maxIdempotencyKeyBytes) bytes")
            default: issue("string_type", "idempotencyKey", "Input should be a valid string")
            }
        }
        if !issues.isEmpty { throw JobsErrors.validation(path: path, issues) }
        return DetectInput(imageBase64: image, minScore: minScore, debugSleepMs: sleep, idempotencyKey: key)
    }
}

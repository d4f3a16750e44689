import EdgeRuntime

/// The 002 error contract (CONTRACTS §3.2): `{"code","message","requestId","details"}` (the §0.4 envelope
/// adds `error` = `message`). Errors the app names keep their codes; every other 4xx of its routes,
/// including the runtime's own 405, is `http_error` with `details.path`; malformed JSON is 422
/// `validation_error`, as FastAPI answers it.
enum JobsErrors {
    /// Codes the app raises itself (the runtime's 413 `payload_too_large` too, §3.4).
    static let ownCodes: Set<String> = [
        "validation_error", "invalid_image_payload", "invalid_pagination", "invalid_cursor", "unsupported_task",
        "job_not_found", "job_not_completed", "job_failed", "job_timeout", "job_canceled", "job_not_cancelable",
        "payload_too_large",
    ]

    static let shape = ErrorShape(nativeText: { _ in nil }, adapt: { adapt($0, path: $1) })

    static func adapt(_ error: HTTPError, path: String) -> HTTPError {
        var e = error
        if e.code == "invalid_json" {
            return validation(path: path, [issue("json_invalid", ["body"], "JSON decode error: \(e.message)")])
        }
        if !ownCodes.contains(e.code), e.status.code < 500 {
            e.code = "http_error"
            e.details["path"] = .string(path)
        }
        return e
    }

    /// One FastAPI-style validation issue: `{"type","loc","msg"}`.
    static func issue(_ type: String, _ loc: [String], _ msg: String) -> JSONValue {
        ["type": .string(type), "loc": .array(loc.map { .string($0) }), "msg": .string(msg)]
    }

    /// 422 `validation_error` with `details: {"errors": [...], "path"}`.
    static func validation(path: String, _ issues: [JSONValue]) -> HTTPError {
        HTTPError(.unprocessableContent, code: "validation_error", message: "Request validation failed",
                  details: ["errors": .array(issues), "path": .string(path)])
    }

    static func notFound(_ jobId: String) -> HTTPError {
        HTTPError(.notFound, code: "job_not_found", message: "job not found", details: ["jobId": .string(jobId)])
    }

    static func invalidImage(_ reason: String) -> HTTPError {
        HTTPError(.badRequest, code: "invalid_image_payload", message: "invalid image payload: \(reason)",
                  details: ["stage": "decode_or_open"])
    }
}

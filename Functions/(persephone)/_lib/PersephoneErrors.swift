import EdgeRuntime

/// The 003 error contract (CONTRACTS §4.1, §0.4): `{"message"}` plus the envelope keys, `error`
/// repeating `message`. Every error of the app's routes, the runtime's own 405/413 included.
enum PersephoneErrors {
    static let shape = ErrorShape(nativeText: { $0.message }, adapt: { e, _ in e })

    static func bad(_ message: String, code: String = "invalid_request") -> HTTPError {
        HTTPError(.badRequest, code: code, message: message)
    }

    static let runIdRequired = bad("runId query parameter is required")

    static func runNotFound(_ id: String) -> HTTPError {
        HTTPError(.notFound, code: "not_found", message: "run \(id.prefix(PersephoneLimits.maxIdLength)) not found")
    }

    static func tooLarge(_ limit: Int) -> HTTPError {
        HTTPError(.contentTooLarge, code: "payload_too_large", message: "the file exceeds the upload limit of \(limit) bytes")
    }

    static let diskFull = HTTPError(HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage"), code: "insufficient_storage",
                                    message: "not enough storage for this upload; nothing was stored")

    static let busy = HTTPError(.serviceUnavailable, code: "storage_busy", message: "too many concurrent updates; retry")
}

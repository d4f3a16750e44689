public import EdgeRuntime

/// Maps errors a handler did not handle to responses. Types from other modules (KV, fetch) map here
/// through ``HTTPErrorConvertible``; anything else is a 500 logged with the request id.
enum ErrorMapping {
    static func response(for error: any Error, requestId: String, logger: Logger, route: String) -> Response {
        if let c = error as? any HTTPErrorConvertible {
            let e = c.httpError
            if e.status.code >= 500 { logger.error("function failed", metadata: ["route": .string(route), "error": .string("\(error)")]) }
            return e.response(requestId: requestId)
        }
        if error is CancellationError {
            return HTTPError(.serviceUnavailable, code: "cancelled", message: "The request was cancelled").response(requestId: requestId)
        }
        logger.error("function threw", metadata: ["route": .string(route), "error": .string("\(error)")])
        return HTTPError(.internalServerError, code: "internal_error", message: "The function failed; see the logs for request \(requestId)", error: "Internal Server Error").response(requestId: requestId)
    }
}

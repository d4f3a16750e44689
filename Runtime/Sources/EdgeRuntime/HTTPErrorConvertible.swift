/// An error that knows its HTTP answer (KV limits -> 400/413, upstream failures -> 502/504...).
/// The runtime uses it for errors a handler did not catch.
public protocol HTTPErrorConvertible: Error {
    var httpError: HTTPError { get }
}

extension HTTPError: HTTPErrorConvertible {
    public var httpError: HTTPError { self }
}

extension HTTPError {
    /// The envelope for any error, the one mapping every layer uses (the runtime for uncaught errors, apps
    /// that add CORS or native texts to theirs): ``HTTPErrorConvertible`` errors keep their status,
    /// cancellation is 503 `cancelled`, anything else is 500 `internal_error`. 5xx are logged with `route`,
    /// as "function failed", except 503 `storage_unavailable`: an outage of the store is not the
    /// function's failure, so it is one warning line ("storage unavailable", with the store's words).
    public init(converting error: any Error, requestId: String, logger: Logger, route: String) {
        if let c = error as? any HTTPErrorConvertible {
            self = c.httpError
            if status == .serviceUnavailable && code == "storage_unavailable" {
                logger.warning("storage unavailable", metadata: ["route": .string(route), "error": .string(message)])
            } else if status.code >= 500 {
                logger.error("function failed", metadata: ["route": .string(route), "error": .string("\(error)")])
            }
        } else if error is CancellationError {
            self = HTTPError(.serviceUnavailable, code: "cancelled", message: "The request was cancelled", error: "Cancelled")
        } else {
            logger.error("function threw", metadata: ["route": .string(route), "error": .string("\(error)")])
            self = HTTPError(.internalServerError, code: "internal_error", message: "The function failed; see the logs for request \(requestId)", error: "Internal Server Error")
        }
    }
}

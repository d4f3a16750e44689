/// How an app's errors look on the wire.
///
/// Every app answers errors with the unified envelope of CONTRACTS §0.4,
/// `{"error", "code", "message", "requestId", "details"}` plus the error's ``HTTPError/extra`` members.
/// It is a superset of each seed's native shape (000 and 004 read `error`, 002 reads
/// `code`/`message`/`requestId`/`details`, 003 reads `message`), so an app chooses only:
/// - what its native `error` text is for errors that did not set one: ``nativeText`` (e.g. 004's
///   `"Payload too large"` for the runtime's 413), else the error's `message`;
/// - optionally, how an error is adapted before rendering: ``adapt`` sees every error of the app's
///   routes (thrown by a handler, or answered by the runtime itself: 405, 413, 504, a credential's 401)
///   with the request's path, and may change its code, message and details (002 answers every error
///   it does not name itself as `http_error` with `details.path`).
public struct ErrorShape: Sendable {
    /// The native `error` text for an error that has none, or nil for its `message`.
    public let nativeText: @Sendable (HTTPError) -> String?
    /// The error as the app renders it, given the request's path; runs before ``nativeText``.
    public let adapt: @Sendable (HTTPError, _ path: String) -> HTTPError

    public init(nativeText: @escaping @Sendable (HTTPError) -> String?,
                adapt: @escaping @Sendable (HTTPError, _ path: String) -> HTTPError = { e, _ in e }) {
        self.nativeText = nativeText
        self.adapt = adapt
    }

    /// The envelope with `error` = `message` unless the error names its own.
    public static let envelope = ErrorShape { _ in nil }

    /// The error as a response in this shape; `path` is the request's path.
    public func response(for error: HTTPError, requestId: String, path: String = "") -> Response {
        var e = adapt(error, path)
        if e.error == nil { e.error = nativeText(e) }
        return e.response(requestId: requestId)
    }
}

/// How an app's errors look on the wire.
///
/// Every app answers errors with the unified envelope of CONTRACTS §0.4,
/// `{"error", "code", "message", "requestId", "details"}` plus the error's ``HTTPError/extra`` members.
/// It is a superset of each seed's native shape (000 and 004 read `error`, 002 reads
/// `code`/`message`/`requestId`/`details`, 003 reads `message`), so an app chooses only what its native
/// `error` text is for errors that did not set one: ``nativeText`` (e.g. 004's `"Payload too large"` for
/// the runtime's 413), else the error's `message`.
public struct ErrorShape: Sendable {
    /// The native `error` text for an error that has none, or nil for its `message`.
    public let nativeText: @Sendable (HTTPError) -> String?

    public init(nativeText: @escaping @Sendable (HTTPError) -> String?) {
        self.nativeText = nativeText
    }

    /// The envelope with `error` = `message` unless the error names its own.
    public static let envelope = ErrorShape { _ in nil }

    /// The error as a response in this shape.
    public func response(for error: HTTPError, requestId: String) -> Response {
        var e = error
        if e.error == nil { e.error = nativeText(e) }
        return e.response(requestId: requestId)
    }
}

public import Fetch

extension Response {
    /// An SSE response that relays an upstream event stream (`context.fetch`'s body) unchanged and
    /// unbuffered: each chunk is written the moment it arrives.
    ///
    /// - While the upstream is silent for `keepAlive` and the stream sits between two events, a
    ///   `: keep-alive` comment goes out (proxies and browsers drop idle connections); nil sends none.
    /// - An upstream that fails mid-stream ends the client's stream as it is, with no synthetic event
    ///   (a client never mistakes a cut stream for a finished one); the failure is logged.
    /// - A client that leaves cancels the relay, which aborts the upstream transfer at once.
    ///
    /// Headers: `content-type: text/event-stream`, `cache-control: no-cache` and
    /// `x-accel-buffering: no` unless `headers` set them.
    public static func eventStream(relaying upstream: FetchBody, keepAlive: Duration?, logger: Logger,
                                   headers: HTTPFields = [:]) -> Response {
        var h = headers
        if h[.contentType] == nil { h[.contentType] = "text/event-stream" }
        if h[.cacheControl] == nil { h[.cacheControl] = "no-cache" }
        if h[.accelBuffering] == nil { h[.accelBuffering] = "no" }
        return Response(status: .ok, headers: h, body: .producer { writer in
            _ = try await EventRelay(keepAlive: keepAlive, logger: logger).run(upstream, to: writer)
        })
    }
}

extension StreamWriter {
    /// Relays an upstream event stream into this writer exactly as
    /// ``Response/eventStream(relaying:keepAlive:logger:headers:)`` does (unchanged, unbuffered, one
    /// chunk ahead at most, `: keep-alive` comments between events while the upstream is silent), for
    /// producers that do more than relay: `onChunk` sees each upstream chunk right after it was written
    /// (to collect what passed by), and the result says how the upstream ended, so the producer can
    /// append events after a normal end or record a failure.
    ///
    /// Throws when writing fails because the client left; cancelling the calling task (the runtime does
    /// when the client leaves) ends the relay with ``EventRelayEnd/cancelled``. Either way the upstream
    /// transfer is aborted before this returns.
    public func relayEvents(from upstream: FetchBody, keepAlive: Duration?, logger: Logger,
                            onChunk: ([UInt8]) -> Void = { _ in }) async throws -> EventRelayEnd {
        try await EventRelay(keepAlive: keepAlive, logger: logger).run(upstream, to: self, onChunk: onChunk)
    }
}

extension HTTPField.Name {
    /// nginx's switch for response buffering.
    static let accelBuffering = HTTPField.Name("x-accel-buffering")!
}

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
            try await EventRelay(keepAlive: keepAlive, logger: logger).run(upstream, to: writer)
        })
    }
}

extension HTTPField.Name {
    /// nginx's switch for response buffering.
    static let accelBuffering = HTTPField.Name("x-accel-buffering")!
}

/// The relay loop behind ``Response/eventStream(relaying:keepAlive:logger:headers:)``: upstream chunks
/// and keep-alive ticks merged into one writer.
struct EventRelay {
    let keepAlive: Duration?
    let logger: Logger

    private enum Event: Sendable {
        case data([UInt8]), end, failed(String), tick
    }

    func run(_ body: FetchBody, to writer: StreamWriter) async throws {
        let (events, continuation) = AsyncStream<Event>.makeStream()
        let keepAlive = self.keepAlive
        try await withThrowingTaskGroup(of: Void.self) { group in
            defer { group.cancelAll(); continuation.finish() }
            group.addTask {
                do {
                    for try await chunk in body { continuation.yield(.data(chunk)) }
                    continuation.yield(.end)
                } catch {
                    continuation.yield(.failed("\(error)"))
                }
            }
            if let keepAlive {
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: keepAlive / 4)
                        continuation.yield(.tick)
                    }
                }
            }
            var last = ContinuousClock.now
            var boundary = EventBoundary()
            for await event in events {
                switch event {
                case .data(let chunk):
                    guard !chunk.isEmpty else { continue }
                    try await writer.write(chunk)
                    last = .now
                    boundary.advance(over: chunk)
                case .tick:
                    if let keepAlive, boundary.isBetweenEvents, ContinuousClock.now - last >= keepAlive {
                        try await writer.write(": keep-alive\n\n")
                        last = .now
                    }
                case .end:
                    return
                case .failed(let reason):
                    logger.warning("event stream: upstream ended early", metadata: ["error": .string(reason)])
                    return
                }
            }
        }
    }
}

/// Whether the bytes so far end between two SSE events (a blank line: `\n\n`, `\r\r` or `\r\n\r\n`).
struct EventBoundary {
    private var tail: [UInt8] = []
    private(set) var isBetweenEvents = true

    mutating func advance(over chunk: [UInt8]) {
        tail = Array((tail + chunk.suffix(4)).suffix(4))
        isBetweenEvents = tail.suffix(2) == [10, 10] || tail.suffix(2) == [13, 13] || tail == [13, 10, 13, 10]
    }
}

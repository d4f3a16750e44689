import Synchronization
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
///
/// Back-pressure end to end: the upstream is read one chunk ahead of the writer, no further. The chunk
/// waits in ``RelayMailbox`` until the loop has handed the previous one to the writer, whose `write`
/// suspends while the client does not read; meanwhile the `FetchBody` fills to its high-water mark and
/// pauses the transfer. (An `AsyncStream` with its default unbounded buffering here read the upstream
/// as fast as it came: ten stalled clients held 870 MB.)
struct EventRelay {
    let keepAlive: Duration?
    let logger: Logger

    enum Event: Sendable {
        case data([UInt8]), end, failed(String)
    }

    func run(_ body: FetchBody, to writer: StreamWriter) async throws {
        let mailbox = RelayMailbox()
        let keepAlive = self.keepAlive
        try await withThrowingTaskGroup(of: Void.self) { group in
            defer { group.cancelAll(); mailbox.close() }
            group.addTask {
                do {
                    for try await chunk in body {
                        guard await mailbox.put(.data(chunk)) else { return }
                    }
                    _ = await mailbox.put(.end)
                } catch {
                    _ = await mailbox.put(.failed("\(error)"))
                }
            }
            if let keepAlive {
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: keepAlive / 4)
                        mailbox.tick()
                    }
                }
            }
            var last = ContinuousClock.now
            var boundary = EventBoundary()
            while true {
                switch await mailbox.take() {
                case .closed:
                    return
                case .event(.data(let chunk)):
                    guard !chunk.isEmpty else { continue }
                    try await writer.write(chunk)
                    last = .now
                    boundary.advance(over: chunk)
                case .tick:
                    if let keepAlive, boundary.isBetweenEvents, ContinuousClock.now - last >= keepAlive {
                        try await writer.write(": keep-alive\n\n")
                        last = .now
                    }
                case .event(.end):
                    return
                case .event(.failed(let reason)):
                    logger.warning("event stream: upstream ended early", metadata: ["error": .string(reason)])
                    return
                }
            }
        }
    }
}

/// A one-slot hand-off from the upstream reader to the relay loop, plus a keep-alive tick flag.
/// ``put(_:)`` returns only once the loop has taken the event, so the reader stays at most one chunk
/// ahead; ticks do not queue up (several while the loop writes count as one).
final class RelayMailbox: Sendable {
    enum Taken: Sendable { case event(EventRelay.Event), tick, closed }

    private struct State {
        var slot: EventRelay.Event?
        var putter: CheckedContinuation<Bool, Never>?
        var taker: CheckedContinuation<Taken, Never>?
        var ticked = false
        var closed = false
    }
    private let state = Mutex(State())

    /// Hands `event` to the loop; false once the relay has stopped.
    func put(_ event: EventRelay.Event) async -> Bool {
        await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
            let taker: CheckedContinuation<Taken, Never>? = state.withLock { s in
                if s.closed { c.resume(returning: false); return nil }
                if let t = s.taker { s.taker = nil; c.resume(returning: true); return t }
                s.slot = event
                s.putter = c
                return nil
            }
            taker?.resume(returning: .event(event))
        }
    }

    /// A keep-alive tick: wakes the loop if it waits.
    func tick() {
        let taker: CheckedContinuation<Taken, Never>? = state.withLock { s in
            if s.closed { return nil }
            if let t = s.taker { s.taker = nil; return t }
            s.ticked = true
            return nil
        }
        taker?.resume(returning: .tick)
    }

    /// The next event, a tick, or `.closed` once the relay stopped (or the task was cancelled).
    func take() async -> Taken {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Taken, Never>) in
                let (putter, result): (CheckedContinuation<Bool, Never>?, Taken?) = state.withLock { s in
                    if let event = s.slot {
                        s.slot = nil
                        defer { s.putter = nil }
                        return (s.putter, .event(event))
                    }
                    if s.ticked { s.ticked = false; return (nil, .tick) }
                    if s.closed { return (nil, .closed) }
                    s.taker = c
                    return (nil, nil)
                }
                putter?.resume(returning: true)
                if let result { c.resume(returning: result) }
            }
        } onCancel: {
            close()
        }
    }

    /// Stops the hand-off: a waiting reader gets false, a waiting loop `.closed`.
    func close() {
        let (putter, taker): (CheckedContinuation<Bool, Never>?, CheckedContinuation<Taken, Never>?) = state.withLock { s in
            s.closed = true
            s.slot = nil
            defer { s.putter = nil; s.taker = nil }
            return (s.putter, s.taker)
        }
        putter?.resume(returning: false)
        taker?.resume(returning: .closed)
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

import EdgeRuntime
import Synchronization

/// The body of one request in flight: the connection's event loop pushes chunks as NIO parses them,
/// the handler pulls them through ``next()``. Reading pauses while more than
/// ``EdgeLimits/requestBodyHighWater`` bytes wait unread and resumes below
/// ``EdgeLimits/requestBodyLowWater``, so a slow handler holds back a fast client instead of buffering
/// its upload. A cancelled reader (the `maxDuration` watchdog) stops waiting at once.
final class RequestBodySource: Sendable {
    private struct State {
        var chunks: [[UInt8]] = []
        var head = 0
        var buffered = 0
        var waiter: CheckedContinuation<[UInt8]?, any Error>?
        /// nil while open; the end (or the failure) once the last part arrived.
        var end: Result<Void, any Error>?
        var paused = false
        var readBefore = false
        /// The function's `maxRequestBodySize` once the router has set it (``setLimit(_:)``).
        var limit: Int?
        /// Bytes pushed so far (the limit, the metrics), and the sizes chunk headers announced (``announce(_:)``).
        var received = 0
        var announced = 0

        var overLimit: Int? {
            guard let limit, max(received, announced) > limit else { return nil }
            return limit
        }
    }

    private let state = Mutex(State())
    /// Called once, on the first ``next()`` (`expect: 100-continue` answers from here).
    private let onFirstRead: (@Sendable () -> Void)?
    /// Called (from the consumer's thread) when a paused body drained below the low-water mark.
    private let resumeReading: @Sendable (RequestBodySource) -> Void

    init(onFirstRead: (@Sendable () -> Void)? = nil, resumeReading: @escaping @Sendable (RequestBodySource) -> Void) {
        self.onFirstRead = onFirstRead
        self.resumeReading = resumeReading
    }

    /// Adds a chunk (event loop). True when reading should pause until ``resumeReading`` is called.
    /// A body past its limit fails instead (``tooLarge(_:)``).
    func push(_ chunk: [UInt8]) -> Bool {
        let (waiter, pause, over): (CheckedContinuation<[UInt8]?, any Error>?, Bool, Int?) = state.withLock { s in
            guard s.end == nil else { return (nil, false, nil) }
            s.received += chunk.count
            if let over = s.overLimit { return (nil, false, over) }
            if let w = s.waiter {
                s.waiter = nil
                return (w, false, nil)
            }
            s.chunks.append(chunk)
            s.buffered += chunk.count
            if s.buffered > EdgeLimits.requestBodyHighWater { s.paused = true }
            return (nil, s.paused, nil)
        }
        if let over { finish(Self.tooLarge(over)) }
        waiter?.resume(returning: chunk)
        return pause
    }

    /// The chunk headers of this body announced `total` bytes so far (event loop): past the limit, the
    /// body fails at once rather than after the limit's worth has been read.
    func announce(_ total: Int) {
        let over = state.withLock { s -> Int? in
            s.announced = max(s.announced, total)
            return s.end == nil ? s.overLimit : nil
        }
        if let over { finish(Self.tooLarge(over)) }
    }

    /// The function's `maxRequestBodySize` (set when the router has matched the request, and again if
    /// the handler changes `body.limit`). What arrived or was announced past it fails the body.
    func setLimit(_ limit: Int) {
        let over = state.withLock { s -> Int? in
            s.limit = limit
            return s.end == nil ? s.overLimit : nil
        }
        if let over { finish(Self.tooLarge(over)) }
    }

    /// What reading a body past its limit fails with: 413 in the app's error shape, and the connection
    /// closes (the rest of the body is not read).
    static func tooLarge(_ limit: Int) -> HTTPError {
        HTTPError(.contentTooLarge, code: "payload_too_large", message: "Request body exceeds \(limit) bytes", headers: [.connection: "close"])
    }

    /// Body bytes received so far.
    var receivedBytes: Int { state.withLock { $0.received } }

    /// Marks the end of the body, or its failure (the client went away mid-body). Chunks already
    /// buffered are still delivered before a successful end, not before a failure.
    func finish(_ error: (any Error)? = nil) {
        let waiter: CheckedContinuation<[UInt8]?, any Error>? = state.withLock { s in
            guard s.end == nil else { return nil }
            s.end = error.map { .failure($0) } ?? .success(())
            if error != nil {
                s.chunks.removeAll()
                s.head = 0
                s.buffered = 0
            }
            defer { s.waiter = nil }
            return s.waiter
        }
        if let error { waiter?.resume(throwing: error) } else { waiter?.resume(returning: nil) }
    }

    /// The next chunk, nil at the end of the body.
    func next() async throws -> [UInt8]? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<[UInt8]?, any Error>) in
                let (result, resume, first): (Result<[UInt8]?, any Error>?, Bool, Bool) = state.withLock { s in
                    // The interim 100 only matters while the client still waits to send.
                    let first = !s.readBefore && s.chunks.isEmpty && s.end == nil
                    s.readBefore = true
                    if s.head < s.chunks.count {
                        let chunk = s.chunks[s.head]
                        s.head += 1
                        s.buffered -= chunk.count
                        if s.head == s.chunks.count { s.chunks.removeAll(keepingCapacity: true); s.head = 0 }
                        var resume = false
                        if s.paused, s.buffered < EdgeLimits.requestBodyLowWater {
                            s.paused = false
                            resume = true
                        }
                        return (.success(chunk), resume, first)
                    }
                    switch s.end {
                    case .success?: return (.success(nil), false, first)
                    case .failure(let e)?: return (.failure(e), false, first)
                    case nil:
                        if Task.isCancelled { return (.failure(CancellationError()), false, first) }
                        s.waiter = c
                        return (nil, false, first)
                    }
                }
                if first { onFirstRead?() }
                if resume { resumeReading(self) }
                if let result { c.resume(with: result) }
            }
        } onCancel: {
            let waiter = state.withLock { s in
                defer { s.waiter = nil }
                return s.waiter
            }
            waiter?.resume(throwing: CancellationError())
        }
    }
}

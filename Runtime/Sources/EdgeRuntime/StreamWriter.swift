import Synchronization

/// Hands chunks from a producer to the socket writer, one at a time: `write` returns only once the
/// previous chunk has been taken, so a fast producer cannot grow memory without bound.
public final class StreamWriter: Sendable {
    private struct State {
        var pending: [UInt8]?
        var producerWaiting: CheckedContinuation<Void, any Error>?
        var consumerWaiting: CheckedContinuation<[UInt8]?, any Error>?
        var finished = false
        var failure: (any Error)?
    }
    private let state = Mutex(State())

    public init() {}

    /// Writes one chunk; suspends until the socket writer has taken it.
    public func write(_ bytes: [UInt8]) async throws {
        try Task.checkCancellation()
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
            let resume: CheckedContinuation<[UInt8]?, any Error>? = state.withLock { s in
                if s.finished {
                    c.resume(throwing: s.failure ?? CancellationError())
                    return nil
                }
                if let consumer = s.consumerWaiting {
                    s.consumerWaiting = nil
                    c.resume()
                    return consumer
                }
                s.pending = bytes
                s.producerWaiting = c
                return nil
            }
            resume?.resume(returning: bytes)
        }
    }

    /// Writes UTF-8 text.
    public func write(_ text: String) async throws { try await write(Array(text.utf8)) }

    /// Called by the runtime: the next chunk, or nil once the producer finished. Cancelling the caller
    /// (the client left) finishes the stream with `CancellationError`, even while the producer is
    /// silent, so its next `write` throws and whatever owns the producer can cancel it.
    package func next() async throws -> [UInt8]? {
        try await withTaskCancellationHandler {
            try await take()
        } onCancel: {
            finish(CancellationError())
        }
    }

    private func take() async throws -> [UInt8]? {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<[UInt8]?, any Error>) in
            let (producer, value): (CheckedContinuation<Void, any Error>?, Result<[UInt8]?, any Error>?) = state.withLock { s in
                if let p = s.pending {
                    s.pending = nil
                    let w = s.producerWaiting
                    s.producerWaiting = nil
                    return (w, .success(p))
                }
                if s.finished {
                    if let f = s.failure { return (nil, .failure(f)) }
                    return (nil, .success(nil))
                }
                s.consumerWaiting = c
                return (nil, nil)
            }
            producer?.resume()
            if let value { c.resume(with: value) }
        }
    }

    /// Called by the runtime when the producer returns or throws, or the client left.
    package func finish(_ error: (any Error)? = nil) {
        let (p, c): (CheckedContinuation<Void, any Error>?, CheckedContinuation<[UInt8]?, any Error>?) = state.withLock { s in
            if s.finished { return (nil, nil) }
            s.finished = true
            s.failure = error
            let p = s.producerWaiting, c = s.consumerWaiting
            s.producerWaiting = nil
            s.consumerWaiting = nil
            if error != nil { s.pending = nil }
            return (p, c)
        }
        p?.resume(throwing: error ?? CancellationError())
        if let c {
            if let error { c.resume(throwing: error) } else { c.resume(returning: nil) }
        }
    }
}

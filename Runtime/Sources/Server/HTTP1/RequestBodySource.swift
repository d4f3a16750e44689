import EdgeRuntime
import Synchronization

/// The body of one request in flight: the connection's event loop pushes chunks as NIO parses them,
/// the handler pulls them through ``next()``. Reading pauses while more than
/// ``EdgeLimits/requestBodyHighWater`` bytes wait unread and resumes below ``EdgeLimits/requestBodyLowWater``, so a
/// slow handler holds back a fast client instead of buffering its upload.
final class RequestBodySource: Sendable {
    private struct State {
        var chunks: [[UInt8]] = []
        var head = 0
        var buffered = 0
        var waiter: CheckedContinuation<[UInt8]?, any Error>?
        /// nil while open; the end (or the failure) once the last part arrived.
        var end: Result<Void, any Error>?
        var paused = false
    }

    private let state = Mutex(State())
    /// Called (from the consumer's thread) when a paused body drained below the low-water mark.
    private let resumeReading: @Sendable () -> Void

    init(resumeReading: @escaping @Sendable () -> Void) {
        self.resumeReading = resumeReading
    }

    /// Adds a chunk (event loop). True when reading should pause until ``resumeReading`` is called.
    func push(_ chunk: [UInt8]) -> Bool {
        let (waiter, pause): (CheckedContinuation<[UInt8]?, any Error>?, Bool) = state.withLock { s in
            guard s.end == nil else { return (nil, false) }
            if let w = s.waiter {
                s.waiter = nil
                return (w, false)
            }
            s.chunks.append(chunk)
            s.buffered += chunk.count
            if s.buffered > EdgeLimits.requestBodyHighWater { s.paused = true }
            return (nil, s.paused)
        }
        waiter?.resume(returning: chunk)
        return pause
    }

    /// Marks the end of the body, or its failure (the client went away mid-body).
    func finish(_ error: (any Error)? = nil) {
        let waiter: CheckedContinuation<[UInt8]?, any Error>? = state.withLock { s in
            guard s.end == nil else { return nil }
            s.end = error.map { .failure($0) } ?? .success(())
            defer { s.waiter = nil }
            return s.waiter
        }
        if let error { waiter?.resume(throwing: error) } else { waiter?.resume(returning: nil) }
    }

    /// The next chunk, nil at the end of the body.
    func next() async throws -> [UInt8]? {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<[UInt8]?, any Error>) in
            let (result, resume): (Result<[UInt8]?, any Error>?, Bool) = state.withLock { s in
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
                    return (.success(chunk), resume)
                }
                switch s.end {
                case .success?: return (.success(nil), false)
                case .failure(let e)?: return (.failure(e), false)
                case nil:
                    s.waiter = c
                    return (nil, false)
                }
            }
            if resume { resumeReading() }
            if let result { c.resume(with: result) }
        }
    }
}

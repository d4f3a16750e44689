import EdgeRuntime
import NIOCore
import Synchronization

/// Copies a streamed body to the socket, one flushed write per chunk. When the client disconnects the
/// copy stops at once, even while the source is silent (the channel's close cancels the reading task),
/// so the source's iterator is dropped and an upstream transfer behind it is aborted.
enum StreamPump {
    /// `write` sends one chunk and returns once the socket took it (the pump's backpressure).
    /// The reading task prefers the writer's executor (the connection's event loop), so a chunk passes
    /// from reader to writer without crossing threads.
    static func pump(_ stream: ByteStream, channel: any Channel, executor: (any TaskExecutor)?, write: ([UInt8]) async throws -> Int) async throws -> Int {
        let relay = ChunkRelay()
        let closeWatch = channel.closeFuture
        closeWatch.whenComplete { _ in relay.fail(ClientGone()) }
        let reader = Task(executorPreference: executor) {
            do {
                for try await chunk in stream {
                    try await relay.put(chunk)
                }
                relay.finish()
            } catch {
                relay.fail(error)
            }
        }
        defer { reader.cancel() }
        var total = 0
        do {
            while let chunk = try await relay.take() {
                if chunk.isEmpty { continue }
                total += try await write(chunk)
            }
        } catch {
            reader.cancel()
            throw error
        }
        return total
    }
}

/// A one-slot hand-off between the reading task and the socket writer, failable from any thread.
final class ChunkRelay: Sendable {
    private struct State {
        var slot: [UInt8]?
        var putter: CheckedContinuation<Void, any Error>?
        var taker: CheckedContinuation<[UInt8]?, any Error>?
        var done = false
        var error: (any Error)?
    }
    private let state = Mutex(State())

    func put(_ chunk: [UInt8]) async throws {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
            let taker: CheckedContinuation<[UInt8]?, any Error>? = state.withLock { s in
                if s.done { c.resume(throwing: s.error ?? CancellationError()); return nil }
                if let t = s.taker { s.taker = nil; c.resume(); return t }
                s.slot = chunk
                s.putter = c
                return nil
            }
            taker?.resume(returning: chunk)
        }
    }

    func take() async throws -> [UInt8]? {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<[UInt8]?, any Error>) in
            let (putter, result): (CheckedContinuation<Void, any Error>?, Result<[UInt8]?, any Error>?) = state.withLock { s in
                if let v = s.slot {
                    s.slot = nil
                    let p = s.putter
                    s.putter = nil
                    return (p, .success(v))
                }
                if s.done { return (nil, s.error.map { .failure($0) } ?? .success(nil)) }
                s.taker = c
                return (nil, nil)
            }
            putter?.resume()
            if let result { c.resume(with: result) }
        }
    }

    func finish() { end(nil) }
    func fail(_ error: any Error) { end(error) }

    private func end(_ error: (any Error)?) {
        let (p, t): (CheckedContinuation<Void, any Error>?, CheckedContinuation<[UInt8]?, any Error>?) = state.withLock { s in
            if s.done { return (nil, nil) }
            s.done = true
            s.error = error
            let p = s.putter, t = s.taker
            s.putter = nil
            s.taker = nil
            if error != nil { s.slot = nil }
            return (p, t)
        }
        p?.resume(throwing: error ?? CancellationError())
        if let t {
            if let error { t.resume(throwing: error) } else { t.resume(returning: nil) }
        }
    }
}

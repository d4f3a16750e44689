import CCurl
import Synchronization

/// The producer side of a streamed request body (see ``FetchRequest/Body/writer(length:_:)``).
///
/// `write` queues a chunk for curl and suspends while more than ``FetchLimits/requestBufferHighWater``
/// bytes are queued. curl's read callback drains the queue on the curl thread; when the queue is
/// empty and the body is not finished it pauses the upload (`CURL_READFUNC_PAUSE`) and the next
/// `write` resumes it. `write` throws ``FetchError/Kind/aborted`` once the transfer has ended.
package final class RequestBodyWriter: Sendable {
    struct State {
        var chunks: [[UInt8]] = []
        var offset = 0
        var buffered = 0
        var finished = false
        var failed = false
        var closed = false
        var curlPaused = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())
    private let resumeUpload: @Sendable () -> Void

    init(resumeUpload: @escaping @Sendable () -> Void) { self.resumeUpload = resumeUpload }

    /// Queues `chunk` for sending; suspends while the queue is over its high-water mark.
    public func write(_ chunk: [UInt8]) async throws(FetchError) {
        guard !chunk.isEmpty else { return }
        let (closed, wasPaused, mustWait) = state.withLock { s -> (Bool, Bool, Bool) in
            if s.closed || s.finished { return (true, false, false) }
            s.chunks.append(chunk)
            s.buffered += chunk.count
            let wasPaused = s.curlPaused
            s.curlPaused = false
            return (false, wasPaused, s.buffered >= FetchLimits.requestBufferHighWater)
        }
        if closed { throw FetchError(.aborted, message: "request body written after the transfer ended") }
        if wasPaused { resumeUpload() }
        if mustWait {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s -> Bool in
                    if s.closed || s.buffered < FetchLimits.requestBufferHighWater { return true }
                    s.waiter = c
                    return false
                }
                if resumeNow { c.resume() }
            }
        }
    }

    /// Ends the body (called when the producer returns).
    func finish(failed: Bool) {
        let wasPaused = state.withLock { s -> Bool in
            s.finished = true
            s.failed = failed
            let p = s.curlPaused
            s.curlPaused = false
            return p
        }
        if wasPaused { resumeUpload() }
    }

    /// The transfer ended: wake a suspended producer; later writes throw.
    func close() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.closed = true
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    /// curl's read callback (curl thread): copies queued bytes into `buffer`.
    /// Returns the byte count, 0 at the end of the body, or a pause/abort code.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        var waiter: CheckedContinuation<Void, Never>?
        let result = state.withLock { s -> Int in
            if s.failed { return CCurl_READFUNC_ABORT }
            if s.chunks.isEmpty {
                if s.finished { return 0 }
                s.curlPaused = true
                return CCurl_READFUNC_PAUSE
            }
            var written = 0
            while written < buffer.count, !s.chunks.isEmpty {
                let chunk = s.chunks[0]
                let n = min(buffer.count - written, chunk.count - s.offset)
                chunk.withUnsafeBytes { src in
                    buffer.baseAddress!.advanced(by: written)
                        .copyMemory(from: src.baseAddress!.advanced(by: s.offset), byteCount: n)
                }
                written += n
                s.offset += n
                if s.offset == chunk.count {
                    s.chunks.removeFirst()
                    s.offset = 0
                }
            }
            s.buffered -= written
            if s.buffered < FetchLimits.requestBufferHighWater {
                waiter = s.waiter
                s.waiter = nil
            }
            return written
        }
        waiter?.resume()
        return result
    }
}

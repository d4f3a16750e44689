import Synchronization

/// The hand-off between the curl thread (producer) and the task that awaits the head and reads the
/// body (single consumer).
///
/// Invariants:
/// - `buffered` never exceeds `highWater` by more than one curl write: the write callback refuses
///   (pauses) instead of queuing once the buffer is at `highWater`.
/// - While `paused`, the consumer asks for a resume (once) when the buffer drains to `lowWater`.
/// - `end` is set exactly once: by the curl thread when the transfer finishes, or by ``abandon()``.
///   Queued chunks are still delivered after a failure `end`; the error comes after them.
/// - Bytes curl hands over while the consumer waits are queued, not delivered at once: the curl thread
///   wakes the consumer once per turn of its loop (``deliverReceived()``), so the pieces of one socket
///   read (libcurl passes at most 64 KiB per write callback) reach the consumer as one chunk of up to
///   ``FetchLimits/maxDeliveredChunk`` bytes: one task wake-up and one socket write downstream, not four.
final class ResponseStream: Sendable {
    typealias HeadContinuation = CheckedContinuation<Result<FetchResponse, FetchError>, Never>
    typealias BodyContinuation = CheckedContinuation<Result<[UInt8]?, FetchError>, Never>

    /// What the write callback should tell curl.
    enum WriteDecision {
        case accepted
        /// Accepted while the consumer waits: call ``deliverReceived()`` before the curl thread sleeps.
        case acceptedConsumerWaiting
        case pause
        case abort
    }

    struct State {
        var headWaiter: HeadContinuation?
        var headDone = false
        var chunks: [[UInt8]] = []
        var buffered = 0
        var bodyWaiter: BodyContinuation?
        var end: Result<Void, FetchError>?
        var terminated = false
        var paused = false
        var resumeRequested = false
        var abandoned = false
        var iteratorCreated = false
    }

    let state = Mutex(State())
    let highWater: Int
    let lowWater: Int
    /// Asks the curl thread to resume a paused receive. Set once before the transfer starts.
    let requestResume: @Sendable () -> Void
    /// Asks the curl thread to remove the transfer.
    let requestAbort: @Sendable () -> Void

    init(highWater: Int, lowWater: Int,
         requestResume: @escaping @Sendable () -> Void, requestAbort: @escaping @Sendable () -> Void) {
        self.highWater = highWater
        self.lowWater = lowWater
        self.requestResume = requestResume
        self.requestAbort = requestAbort
    }

    // MARK: consumer side

    /// Installs the head continuation. Returns `false` (having resumed `c` with the failure) when
    /// the stream already ended, e.g. because the task was cancelled first.
    func installHeadWaiter(_ c: HeadContinuation) -> Bool {
        let failure = state.withLock { s -> FetchError? in
            if case .failure(let e)? = s.end { return e }
            s.headWaiter = c
            return nil
        }
        if let failure { c.resume(returning: .failure(failure)); return false }
        return true
    }

    /// The next body chunk, `nil` at the end. Suspends until bytes arrive.
    func next() async -> Result<[UInt8]?, FetchError> {
        if let ready = takeReady() { return ready }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (c: BodyContinuation) in
                let ready = state.withLock { s -> Result<[UInt8]?, FetchError>? in
                    if let r = Self.take(&s, lowWater: lowWater).result { return r }
                    s.bodyWaiter = c
                    return nil
                }
                if let ready { c.resume(returning: ready) }
            }
        } onCancel: {
            abandon()
        }
    }

    private func takeReady() -> Result<[UInt8]?, FetchError>? {
        let (result, resume) = state.withLock { s in Self.take(&s, lowWater: lowWater) }
        if resume { requestResume() }
        return result
    }

    /// Pops the oldest queued chunk or the end. `resume` is true when the consumer must ask
    /// the curl thread to unpause (only from `takeReady`; inside a waiter install the buffer is empty).
    private static func take(_ s: inout State, lowWater: Int) -> (result: Result<[UInt8]?, FetchError>?, resume: Bool) {
        if s.terminated { return (.success(nil), false) }
        if !s.chunks.isEmpty {
            let out = s.chunks.removeFirst()  // coalesced as received
            s.buffered -= out.count
            var resume = false
            if s.paused, !s.resumeRequested, s.buffered <= lowWater, s.end == nil {
                s.resumeRequested = true
                resume = true
            }
            return (.success(out), resume)
        }
        guard let end = s.end else { return (nil, false) }
        s.terminated = true
        switch end {
        case .success: return (.success(nil), false)
        case .failure(let e): return (.failure(e), false)
        }
    }

    /// The consumer went away (cancelled, iterator or body dropped): end the stream and abort the transfer.
    func abandon() {
        let (head, body, wasRunning) = state.withLock { s -> (HeadContinuation?, BodyContinuation?, Bool) in
            s.abandoned = true
            s.chunks = []
            s.buffered = 0
            let wasRunning = s.end == nil
            if wasRunning { s.end = .failure(FetchError(.aborted, message: "the consumer cancelled the request")) }
            defer { s.headWaiter = nil; s.bodyWaiter = nil }
            return (s.headWaiter, s.bodyWaiter, wasRunning)
        }
        let error = FetchError(.aborted, message: "the consumer cancelled the request")
        head?.resume(returning: .failure(error))
        body?.resume(returning: .failure(error))
        if body != nil { state.withLock { $0.terminated = true } }
        if wasRunning { requestAbort() }
    }

    var isAbandoned: Bool { state.withLock { $0.abandoned } }

    // MARK: curl-thread side

    /// Delivers the response head (curl thread).
    func deliverHead(_ response: FetchResponse) {
        let waiter = state.withLock { s -> HeadContinuation? in
            s.headDone = true
            defer { s.headWaiter = nil }
            return s.headWaiter
        }
        waiter?.resume(returning: .success(response))
    }

    /// Offers received body bytes (curl thread, write callback). They join the last queued chunk while
    /// it has room (one copy, no re-buffering on delivery).
    func receive(_ bytes: UnsafeRawBufferPointer) -> WriteDecision {
        state.withLock { s in
            if s.abandoned || s.end != nil { return .abort }
            if s.buffered >= highWater {
                s.paused = true
                return .pause
            }
            let last = s.chunks.count - 1
            if last >= 0, s.chunks[last].count + bytes.count <= FetchLimits.maxDeliveredChunk {
                s.chunks[last].append(contentsOf: bytes)
            } else {
                var chunk: [UInt8] = []
                // A bulk body fills whole chunks: room for one up front; small pieces (SSE events) get their size.
                chunk.reserveCapacity(bytes.count >= FetchLimits.bulkPieceBytes ? FetchLimits.maxDeliveredChunk : bytes.count)
                chunk.append(contentsOf: bytes)
                s.chunks.append(chunk)
            }
            s.buffered += bytes.count
            return s.bodyWaiter == nil ? .accepted : .acceptedConsumerWaiting
        }
    }

    /// Hands what was queued to a waiting consumer (curl thread, once per loop turn after a write
    /// callback answered ``WriteDecision/acceptedConsumerWaiting``).
    func deliverReceived() {
        let (waiter, result, resume) = state.withLock { s -> (BodyContinuation?, Result<[UInt8]?, FetchError>?, Bool) in
            guard let w = s.bodyWaiter else { return (nil, nil, false) }
            let r = Self.take(&s, lowWater: lowWater)
            guard r.result != nil else { return (nil, nil, r.resume) }
            s.bodyWaiter = nil
            return (w, r.result, r.resume)
        }
        if resume { requestResume() }
        if let waiter, let result { waiter.resume(returning: result) }
    }

    /// The curl thread is about to unpause: clear the paused state first, so a write callback
    /// invoked synchronously from `curl_easy_pause` can pause again.
    func willResume() {
        state.withLock { s in
            s.paused = false
            s.resumeRequested = false
        }
    }

    /// The transfer finished (curl thread). A success without a delivered head is a protocol failure.
    func finish(_ result: Result<Void, FetchError>) {
        let (head, body, bodyResult) = state.withLock { s -> (HeadContinuation?, BodyContinuation?, Result<[UInt8]?, FetchError>?) in
            if s.end == nil {
                if !s.headDone, case .success = result {
                    s.end = .failure(FetchError(.invalidResponse, message: "the transfer ended without a response head"))
                } else {
                    s.end = result
                }
            }
            var head: HeadContinuation?
            if !s.headDone { head = s.headWaiter; s.headWaiter = nil; s.headDone = true }
            var body: BodyContinuation?
            var bodyResult: Result<[UInt8]?, FetchError>?
            if let w = s.bodyWaiter {
                s.bodyWaiter = nil
                body = w
                bodyResult = Self.take(&s, lowWater: lowWater).result
            }
            return (head, body, bodyResult)
        }
        if let head, case .failure(let e)? = state.withLock({ $0.end }) { head.resume(returning: .failure(e)) }
        if let body, let bodyResult { body.resume(returning: bodyResult) }
    }

    // MARK: introspection (tests, metrics)

    var bufferedByteCount: Int { state.withLock { $0.buffered } }
    var isPaused: Bool { state.withLock { $0.paused } }
}

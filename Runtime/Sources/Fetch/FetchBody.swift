/// A response body: an `AsyncSequence` of byte chunks delivered as they arrive from the upstream.
///
/// Semantics:
/// - **Single consumer.** Only the first `makeAsyncIterator()` reads the body; later iterators
///   throw ``FetchError/Kind/other``.
/// - **Back-pressure.** At most about ``FetchLimits/responseBufferHighWater`` bytes are buffered ahead
///   of the consumer; beyond that the transfer is paused (the upstream's TCP window fills).
/// - **Abort on abandonment.** Cancelling the iterating task, dropping the iterator before the end,
///   or dropping every copy of the body without iterating it aborts the transfer: the upstream
///   connection is closed (HTTP/1.1) or the stream reset (HTTP/2).
/// - **Ends.** Iteration ends with `nil` after the last byte, or throws a ``FetchError`` (for example
///   ``FetchError/Kind/connectionClosed`` when the upstream disconnects mid-body, or a
///   ``FetchError/Kind/timeout(_:)``) after every byte that did arrive has been delivered.
public struct FetchBody: AsyncSequence, Sendable {
    public typealias Element = [UInt8]
    public typealias Failure = FetchError

    let stream: ResponseStream
    private let owner: AbandonOnDeinit

    init(stream: ResponseStream) {
        self.stream = stream
        self.owner = AbandonOnDeinit(stream)
    }

    public func makeAsyncIterator() -> AsyncIterator {
        let first = stream.state.withLock { s -> Bool in
            defer { s.iteratorCreated = true }
            return !s.iteratorCreated
        }
        return AsyncIterator(stream: first ? stream : nil, owner: first ? AbandonOnDeinit(stream) : nil)
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let stream: ResponseStream?
        let owner: AbandonOnDeinit?
        private var alreadyUsedReported = false

        init(stream: ResponseStream?, owner: AbandonOnDeinit?) {
            self.stream = stream
            self.owner = owner
        }

        public mutating func next(isolation actor: isolated (any Actor)?) async throws(FetchError) -> [UInt8]? {
            guard let stream else { try reportAlreadyUsed(); return nil }
            return try await stream.next().get()
        }

        public mutating func next() async throws(FetchError) -> [UInt8]? {
            guard let stream else { try reportAlreadyUsed(); return nil }
            return try await stream.next().get()
        }

        private mutating func reportAlreadyUsed() throws(FetchError) {
            if alreadyUsedReported { return }
            alreadyUsedReported = true
            throw FetchError(.other, message: "the response body was already consumed (single consumer)")
        }
    }

    // MARK: introspection

    /// Bytes received from the upstream and not yet handed to the consumer.
    public var bufferedByteCount: Int { stream.bufferedByteCount }
    /// Whether the transfer is currently paused because the consumer is behind.
    public var isPaused: Bool { stream.isPaused }

    /// Aborts the transfer now (same effect as cancelling the consuming task).
    public func cancel() { stream.abandon() }
}

/// Aborts the transfer when the last reference goes away, unless the stream already ended.
final class AbandonOnDeinit: Sendable {
    let stream: ResponseStream
    init(_ stream: ResponseStream) { self.stream = stream }
    deinit {
        let running = stream.state.withLock { $0.end == nil }
        if running { stream.abandon() }
    }
}

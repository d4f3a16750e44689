import Fetch

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

    /// Relays until the upstream ends, fails, or the task is cancelled; `onChunk` sees each chunk right
    /// after it was handed to the writer. Throws when the writer fails (the client left).
    func run(_ body: FetchBody, to writer: StreamWriter, onChunk: ([UInt8]) -> Void = { _ in }) async throws -> EventRelayEnd {
        let mailbox = RelayMailbox()
        let keepAlive = self.keepAlive
        return try await withThrowingTaskGroup(of: Void.self, returning: EventRelayEnd.self) { group in
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
                    return .cancelled
                case .event(.data(let chunk)):
                    guard !chunk.isEmpty else { continue }
                    try await writer.write(chunk)
                    onChunk(chunk)
                    last = .now
                    boundary.advance(over: chunk)
                case .tick:
                    if let keepAlive, boundary.isBetweenEvents, ContinuousClock.now - last >= keepAlive {
                        try await writer.write(": keep-alive\n\n")
                        last = .now
                    }
                case .event(.end):
                    return .finished
                case .event(.failed(let reason)):
                    if Task.isCancelled { return .cancelled }
                    logger.warning("event stream: upstream ended early", metadata: ["error": .string(reason)])
                    return .upstreamFailed(reason)
                }
            }
        }
    }
}

/// How a relayed event stream ended (``StreamWriter/relayEvents(from:keepAlive:logger:onChunk:)``).
public enum EventRelayEnd: Sendable, Equatable {
    /// The upstream body ended normally; every byte was written.
    case finished
    /// The upstream failed mid-body (closed, reset, timed out); the bytes before it were written.
    case upstreamFailed(String)
    /// The relay's task was cancelled (the client left); the upstream transfer was aborted.
    case cancelled
}

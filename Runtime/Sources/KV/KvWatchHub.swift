import Synchronization

/// The watch subscriptions of one store: each subscriber's key filter and stream. The store feeds it
/// the keys every commit changed (``publish(_:)``), or a tick that makes every watcher re-read
/// (``tickAll()``: a change it cannot name, such as an expiry or another process's commit).
package final class KvWatchHub: Sendable {
    private struct Subscriber {
        let matches: @Sendable ([UInt8]) -> Bool
        let continuation: AsyncStream<[[UInt8]]>.Continuation
    }

    private let subscribers = Mutex<[Int: Subscriber]>([:])
    private let nextId = Atomic<Int>(0)

    package init() {}

    /// A stream of the changed keys that `matching` accepts (an empty element: re-read); finished at
    /// once when the store is `closed`, else by ``finishAll()``.
    package func subscribe(closed: Bool, matching: @escaping @Sendable ([UInt8]) -> Bool) -> AsyncStream<[[UInt8]]> {
        let (stream, continuation) = AsyncStream<[[UInt8]]>.makeStream(bufferingPolicy: .bufferingNewest(64))
        if closed {
            continuation.finish()
            return stream
        }
        let id = nextId.add(1, ordering: .relaxed).newValue
        subscribers.withLock { $0[id] = Subscriber(matches: matching, continuation: continuation) }
        continuation.onTermination = { [weak self] _ in _ = self?.subscribers.withLock { $0.removeValue(forKey: id) } }
        return stream
    }

    /// Hands each subscriber the keys of `changed` it watches.
    package func publish(_ changed: [[UInt8]]) {
        for s in subscribers.withLock({ Array($0.values) }) {
            let hits = changed.filter(s.matches)
            if !hits.isEmpty { s.continuation.yield(hits) }
        }
    }

    /// Makes every subscriber re-read.
    package func tickAll() {
        for s in subscribers.withLock({ Array($0.values) }) { s.continuation.yield([]) }
    }

    /// Ends every stream (the store closes).
    package func finishAll() {
        let all = subscribers.withLock { s -> [Subscriber] in
            defer { s.removeAll() }
            return Array(s.values)
        }
        for s in all { s.continuation.finish() }
    }
}

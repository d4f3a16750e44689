extension Kv {
    /// Delivers queue messages to `handler` until the database is closed or the calling task is
    /// cancelled. Handlers run concurrently (at most 100 in flight). A handler that throws marks
    /// the attempt failed: the message is retried after its next backoff delay, and when retries
    /// are exhausted its value is written to its `keysIfUndelivered` keys. Delivery is
    /// at-least-once (a message leased by a crashed process is re-delivered after its lease
    /// expires), one consumer per message at a time; handlers should be idempotent.
    public func listenQueue(_ handler: @escaping @Sendable (KvValue) async throws -> Void) async throws(KvError) {
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                var inFlight = 0
                while !Task.isCancelled {
                    if inFlight >= KvLimits.maxQueueInFlight {
                        try await group.next()
                        inFlight -= 1
                    }
                    guard let message = try await store.dequeue() else { break }
                    inFlight += 1
                    group.addTask {
                        var ok = true
                        do {
                            try await handler(try message.payload.decode())
                        } catch {
                            ok = false
                        }
                        try? await self.store.finish(message, success: ok)
                    }
                }
                try await group.waitForAll()
            }
        } catch let e as KvError {
            throw e
        } catch {
            throw KvError(.storage, "listenQueue failed: \(error)")
        }
    }

    /// Typed variant: decodes each message into `T` (a message that does not decode counts as a failure).
    public func listenQueue<T: Decodable & SendableMetatype>(as type: T.Type, _ handler: @escaping @Sendable (T) async throws -> Void) async throws(KvError) {
        try await listenQueue { value in
            let stored = KvStoredValue(value)
            try await handler(try stored.decode(as: T.self))
        }
    }
}

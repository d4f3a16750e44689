extension Kv {
    /// Watches up to 10 keys: the first element is the current state of all keys (in order); after
    /// that an element is emitted whenever any watched key's versionstamp changes (including
    /// deletion and expiry). Rapid writes may be coalesced: only the latest state is guaranteed.
    /// The stream ends when the database is closed or the consumer stops iterating.
    public func watch(_ keys: [KvKey]) throws(KvError) -> AsyncThrowingStream<[KvEntry], any Error> {
        if keys.count > KvLimits.maxWatchKeys { throw KvError(.tooManyWatchKeys, "Too many keys (max \(KvLimits.maxWatchKeys))") }
        var encoded = Set<[UInt8]>()
        for k in keys { encoded.insert(try KeyCodec.encode(k)) }
        let watched = encoded
        let changes = store.changes(matching: { watched.contains($0) })
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    var last: [Versionstamp?]? = nil
                    var iterator = changes.makeAsyncIterator()
                    repeat {
                        let entries = try await self.getMany(keys)
                        let stamps = entries.map(\.versionstamp)
                        if stamps != last {
                            last = stamps
                            continuation.yield(entries)
                        }
                    } while await iterator.next() != nil && !Task.isCancelled
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Beyond Deno: watches every key the selector covers. Each element lists the entries that
    /// changed since the previous element (a deleted or expired key appears with a nil value), so
    /// the consumer learns *which* key changed. Changes made by other processes are not reported.
    public func watchPrefix(_ selector: KvListSelector) throws(KvError) -> AsyncThrowingStream<[KvEntry], any Error> {
        let s = try selector.resolve()
        let start = s.rangeStart, end = s.rangeEnd
        let changes = store.changes(matching: { !$0.lexicographicallyPrecedes(start) && $0.lexicographicallyPrecedes(end) })
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    for await keys in changes where !keys.isEmpty {
                        var out: [KvEntry] = []
                        for kb in keys {
                            let key = try KeyCodec.decode(kb)
                            out.append(try self.getSync(key))
                        }
                        continuation.yield(out)
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}

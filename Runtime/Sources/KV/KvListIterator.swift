/// The async sequence returned by `Kv.list`; iterate it with `for try await`.
public struct KvListSequence: AsyncSequence, Sendable {
    public typealias Element = KvEntry
    let kv: Kv
    let selector: KvListSelector
    let options: KvListOptions
    let batchSize: Int

    public func makeAsyncIterator() -> KvListIterator {
        KvListIterator(kv: kv, selector: selector, options: options, batchSize: batchSize)
    }

    /// Iterates to the end (or `limit`) and returns the entries and the final cursor.
    nonisolated(nonsending) public func collect() async throws(KvError) -> (entries: [KvEntry], cursor: String) {
        let it = makeAsyncIterator()
        var out: [KvEntry] = []
        out.reserveCapacity(Swift.min(options.limit ?? batchSize, KvLimits.maxReadEntries))
        while try it.takeBatch(into: &out) {}
        return (out, try it.cursor)
    }
}

/// Deno's `KvListIterator`: pulls batches of `batchSize` entries, each batch a separate snapshot.
///
/// `cursor` throws before the first `next()`; after the last entry it is `""`; when iteration
/// stopped at `limit` it is the cursor of the last returned entry (even if nothing follows).
public final class KvListIterator: AsyncIteratorProtocol {
    public typealias Element = KvEntry
    private let kv: Kv
    private let selector: KvListSelector
    private let options: KvListOptions
    private let batchSize: Int
    private var resolved: KvResolvedSelector?
    /// The current batch (one snapshot read); entries returned from it share it.
    private var batch = KvReadBatch.empty
    private var bufferIndex = 0
    private var lastBatch = false
    private var done = false
    private var count = 0
    private var currentCursor: String?
    /// Index in `batch` of the last returned entry (its cursor is computed on demand).
    private var lastIndex: Int?

    init(kv: Kv, selector: KvListSelector, options: KvListOptions, batchSize: Int) {
        self.kv = kv
        self.selector = selector
        self.options = options
        self.batchSize = batchSize
        if let c = options.cursor, !c.isEmpty { currentCursor = c }
    }

    /// The resume point; see the type's documentation.
    public var cursor: String {
        get throws(KvError) {
            if let i = lastIndex, let resolved { return resolved.cursor(after: Array(batch.key(at: i))) }
            guard let c = currentCursor else {
                throw KvError(.cursorBeforeIteration, "Cannot get cursor before first iteration", jsClass: "Error")
            }
            return c
        }
    }

    /// The next entry; a batch is fetched with the store's async read (no thread blocked on I/O).
    nonisolated(nonsending) public func next() async throws(KvError) -> KvEntry? {
        if let range = try pendingRead() { fill(try await kv.store.readBatchAsync(range)) }
        return take()
    }

    /// Synchronous `next()`.
    public func nextSync() throws(KvError) -> KvEntry? {
        if let range = try pendingRead() { fill(try kv.store.readBatch(range)) }
        return take()
    }

    /// `nextSync()` for the rest of the current batch at once (fetching one if needed): appends
    /// what repeated calls would return until the batch, or `limit`, is used up; false once
    /// `nextSync()` would return nil.
    func takeBatch(into out: inout [KvEntry]) throws(KvError) -> Bool {
        if let range = try pendingRead() { fill(try kv.store.readBatch(range)) }
        var n = batch.count - bufferIndex
        if let l = options.limit { n = Swift.min(n, l - count) }
        if done || n <= 0 {
            _ = take()  // settles `done` and the cursor as `nextSync()` would
            return false
        }
        let b = batch, first = bufferIndex, keysOnly = options.keysOnly
        for i in first..<(first + n) { out.append(KvEntry(batch: b, index: i, keysOnly: keysOnly)) }
        bufferIndex += n
        count += n
        lastIndex = first + n - 1
        return true
    }

    /// The range of the next batch, if the buffer is used up and more may follow (an empty range
    /// is settled here without a read).
    private func pendingRead() throws(KvError) -> KvReadRange? {
        if done { return nil }
        if let l = options.limit, count >= l { return nil }
        guard bufferIndex >= batch.count && !lastBatch else { return nil }
        let sel: KvResolvedSelector
        if let resolved { sel = resolved } else { sel = try selector.resolve(); resolved = sel }
        if let i = lastIndex { currentCursor = sel.cursor(after: Array(batch.key(at: i))); lastIndex = nil }
        let (start, end) = try sel.bounds(reverse: options.reverse, cursor: currentCursor)
        if start.count > KvLimits.maxReadKeyBytes || end.count > KvLimits.maxReadKeyBytes {
            throw KvError(.keyTooLargeRead, "Key too large for read (max \(KvLimits.maxReadKeyBytes) bytes)")
        }
        if batchSize > KvLimits.maxReadEntries {
            throw KvError(.tooManyEntries, "Too many entries (max \(KvLimits.maxReadEntries))")
        }
        guard start.lexicographicallyPrecedes(end) else {
            fill(.empty)
            return nil
        }
        return KvReadRange(start: start, end: end, limit: batchSize, reverse: options.reverse)
    }

    private func fill(_ entries: KvReadBatch) {
        batch = entries
        bufferIndex = 0
        if batch.count < batchSize { lastBatch = true }
    }

    private func take() -> KvEntry? {
        if done { return nil }
        if let l = options.limit, count >= l { return nil }
        guard bufferIndex < batch.count else {
            done = true
            currentCursor = ""
            lastIndex = nil
            return nil
        }
        let i = bufferIndex
        bufferIndex += 1
        count += 1
        lastIndex = i
        return KvEntry(batch: batch, index: i, keysOnly: options.keysOnly)
    }
}

extension Kv {
    /// Lists entries in key order (see `KvListSelector` and `KvListOptions`). Limit and batchSize
    /// errors throw here; selector-range and cursor errors throw from the first `next()`.
    public func list(_ selector: KvListSelector, options: KvListOptions = .init()) throws(KvError) -> KvListSequence {
        KvListSequence(kv: self, selector: selector, options: options, batchSize: try options.effectiveBatchSize())
    }

    /// Lists keys only (beyond Deno): values are not decoded.
    public func listKeys(_ selector: KvListSelector, options: KvListOptions = .init()) throws(KvError) -> KvListSequence {
        var o = options
        o.keysOnly = true
        return try list(selector, options: o)
    }
}

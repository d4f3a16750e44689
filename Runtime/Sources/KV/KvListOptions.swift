/// Options of `list`: Deno's `{limit, reverse, cursor, batchSize, consistency}`.
public struct KvListOptions: Sendable {
    /// Max entries in total (positive), nil for no limit.
    public var limit: Int?
    /// Descending key order.
    public var reverse: Bool
    /// Resume point from an earlier iterator's `cursor` ("" = from the beginning).
    public var cursor: String?
    /// Entries per snapshot read (positive, ≤ 1000). Default `limit ?? 100`, clamped to 500 when
    /// not given explicitly. Each batch is a separate snapshot.
    public var batchSize: Int?
    /// Accepted for API parity; every read is strongly consistent here.
    public var consistency: KvConsistency
    /// Beyond Deno: return keys only (values are not decoded; entries carry `stored == nil`).
    public var keysOnly: Bool

    public init(limit: Int? = nil, reverse: Bool = false, cursor: String? = nil, batchSize: Int? = nil,
                consistency: KvConsistency = .strong, keysOnly: Bool = false) {
        self.limit = limit
        self.reverse = reverse
        self.cursor = cursor
        self.batchSize = batchSize
        self.consistency = consistency
        self.keysOnly = keysOnly
    }

    /// Deno's synchronous checks in `list()` (plain `Error`s) and the effective batch size.
    func effectiveBatchSize() throws(KvError) -> Int {
        if let l = limit, l <= 0 {
            throw KvError(.invalidLimit, "Limit must be a positive integer: received \(l)", jsClass: "Error")
        }
        if let b = batchSize, b <= 0 {
            throw KvError(.invalidBatchSize, "batchSize must be a positive integer: received \(b)", jsClass: "Error")
        }
        if let b = batchSize { return b }
        return Swift.min(limit ?? KvLimits.defaultListBatchSize, KvLimits.maxImplicitListBatchSize)
    }
}

/// Read consistency (both levels are strong for a local store).
public enum KvConsistency: String, Sendable {
    case strong
    case eventual
}

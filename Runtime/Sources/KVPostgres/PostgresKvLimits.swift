/// Every limit and interval of the PostgreSQL store, in one place.
public enum PostgresKvLimits {
    /// Threads of the store's own event-loop group (its connections live there, apart from the
    /// HTTP server's loops, on which a synchronous read may block).
    public static let eventLoopThreads = 2
    /// Connections one store opens at most (commits use one at a time; the rest serve reads).
    public static let maxConnections = 8
    /// A statement (or a whole commit transaction) that takes longer fails with `storage`
    /// (503 `storage_unavailable`) and its connection is closed: never a hang.
    public static let operationTimeoutMs: Int64 = 5000
    /// Connecting gives up after this long.
    public static let connectTimeoutMs: Int64 = 2000
    /// After a failed connect, further connects wait this long first (doubling per failure up to
    /// `maxBackoffMs`); requests in that window fail at once with `storage`.
    public static let initialBackoffMs: Int64 = 100
    public static let maxBackoffMs: Int64 = 2000
    /// Most commits of one instance batched into one transaction (group commit).
    public static let maxBatch = 64
    /// How often an idle queue consumer polls for ready messages and expired leases.
    public static let queuePollMs: Int64 = 50
    /// How often watchers get an empty "re-check" element, and expired rows are swept.
    public static let tickMs: Int64 = 1000
    /// Largest NOTIFY payload sent (PostgreSQL's limit is 8000 bytes); more changed keys than fit
    /// are sent as an empty payload, which tells watchers to re-check.
    public static let maxNotifyPayload = 7000
    /// Expired rows deleted per sweep.
    public static let sweepBatch = 1000
}

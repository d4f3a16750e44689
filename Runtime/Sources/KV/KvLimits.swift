/// Every limit of Deno KV (values of the Deno 2.9 CLI), in one place.
///
/// Errors use Deno's messages; see `KvError.Code` for the kinds.
public enum KvLimits {
    /// Max encoded key size for writes (set, delete, check and mutation keys): "Key too large for write".
    public static let maxWriteKeyBytes = 2048
    /// Max encoded range bound for reads: "Key too large for read". A point read scans `[key, key+0x00)`,
    /// so a readable point key is at most 2048 bytes.
    public static let maxReadKeyBytes = 2049
    /// Max stored value size (raw bytes, our structured encoding, JSON, or 8 for KvU64).
    public static let maxValueBytes = 65536
    /// Max enqueue payload size.
    public static let maxEnqueuePayloadBytes = 65536
    /// Max keys per `getMany` (read ranges per snapshot read).
    public static let maxReadRanges = 10
    /// Max entries per read batch (`batchSize`), summed over ranges.
    public static let maxReadEntries = 1000
    /// Default list batch size when neither limit nor batchSize is given; and the clamp applied to
    /// an implicit batch size (limit) above 500.
    public static let defaultListBatchSize = 100
    public static let maxImplicitListBatchSize = 500
    /// Max checks per atomic operation.
    public static let maxChecks = 100
    /// Max mutations + enqueues per atomic operation.
    public static let maxMutations = 1000
    /// Max total payload of an atomic operation (keys, values, enqueue payloads, 4 bytes per backoff entry).
    public static let maxTotalMutationBytes = 819_200
    /// Max total key bytes of value-carrying mutations in one atomic operation.
    public static let maxTotalKeyBytes = 81_920
    /// Max keys per `watch`.
    public static let maxWatchKeys = 10
    /// Max queue delay in milliseconds (30 days).
    public static let maxQueueDelayMs: Double = 2_592_000_000
    /// Max entries in a queue backoff schedule.
    public static let maxBackoffIntervals = 5
    /// Max single backoff interval in milliseconds (1 hour).
    public static let maxBackoffIntervalMs = 3_600_000
    /// Default retry schedule when `backoffSchedule` is not given.
    public static let defaultBackoffSchedule: [Int] = [100, 1000, 5000, 30000, 60000]
    /// Largest absolute expiry Deno can represent (chrono's max date, ms since the epoch).
    public static let maxExpireAtMs: Int64 = 8_210_298_412_799_999
    /// Max messages one `listenQueue` handler set has in flight (Deno's dispatch limit).
    public static let maxQueueInFlight = 100
    /// How long a dequeued message is leased before another consumer may re-deliver it, if its
    /// consumer stops refreshing the lease (crash).
    public static let queueLeaseMs: Int64 = 5000
    /// Longest single real-time sleep of the default `KvTimeSource.sleep(untilMs:)`: it re-reads
    /// the clock after each slice, so wall-clock jumps are noticed and far deadlines (expiry up to
    /// `maxExpireAtMs`) never overflow a nanosecond count.
    public static let maxClockSleepSliceMs: Int64 = 60_000
    /// Up to this many mutations a commit's planner finds a key's earlier write in the same commit by
    /// comparing keys (cheaper than hashing them byte by byte); past it, by a hash index.
    public static let plannerLinearScanMutations = 16
}

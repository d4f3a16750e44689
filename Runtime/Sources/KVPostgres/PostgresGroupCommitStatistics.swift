/// What group commit has done since the store opened: how many transactions carried how many
/// commits, and how long they took (for bench/kv and for judging batch sizes; no effect on behaviour).
public struct PostgresGroupCommitStatistics: Sendable, Equatable {
    /// Commit transactions run (one per batch, whether it wrote or rolled back).
    public var transactions = 0
    /// Commits they carried (failed checks included).
    public var commits = 0
    /// The largest batch.
    public var largestBatch = 0
    /// Sum of the transactions' durations, from taking the batch to the last result, in nanoseconds.
    public var transactionNanoseconds: UInt64 = 0

    public init() {}

    /// Mean commits per transaction (0 before the first).
    public var meanBatch: Double { transactions == 0 ? 0 : Double(commits) / Double(transactions) }
    /// Mean transaction duration in milliseconds (0 before the first).
    public var meanTransactionMs: Double { transactions == 0 ? 0 : Double(transactionNanoseconds) / Double(transactions) / 1e6 }
}

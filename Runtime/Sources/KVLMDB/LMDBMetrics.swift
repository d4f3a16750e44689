import CoreMetrics

/// The store's figures, through swift-metrics (labels as ``EdgeMetrics/MetricsCatalogue`` lists them).
/// Made at first use, so after the process installed its backend; without one they record nowhere.
enum LMDBMetrics {
    static let reads = Counter(label: "edge_kv_operations_total", dimensions: [("op", "read")])
    static let commits = Counter(label: "edge_kv_operations_total", dimensions: [("op", "commit")])
    static let counts = Counter(label: "edge_kv_operations_total", dimensions: [("op", "count")])
    static let deleteRanges = Counter(label: "edge_kv_operations_total", dimensions: [("op", "delete_range")])
    static let dequeues = Counter(label: "edge_kv_operations_total", dimensions: [("op", "dequeue")])
    /// Atomic commits per LMDB write transaction.
    static let batchSize = Recorder(label: "edge_kv_commit_batch_size", aggregate: true)
    /// `mdb_txn_commit`, which writes and fsyncs.
    static let fsync = Timer(label: "edge_kv_fsync_duration_seconds")
    /// Bytes of the data file in use.
    static let storeBytes = Gauge(label: "edge_kv_store_bytes")
}

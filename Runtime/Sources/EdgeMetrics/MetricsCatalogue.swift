/// Every runtime figure outside the request path, at a fixed offset in each region's catalogue words.
/// Code records them through swift-metrics under the Prometheus name as label and the Prometheus labels
/// as dimensions (`Counter(label: "edge_cron_runs_total")`); ``EdgeMetricsFactory`` finds them here.
/// Anything not listed records nowhere.
public enum MetricsCatalogue {
    public enum Kind: Sendable {
        case counter
        /// A value every process measures alike (the store's size): the largest region's value is shown.
        case gauge
        /// Bucket bounds in the unit shown; `unitsPerShown` converts what is recorded (nanoseconds for a
        /// swift-metrics `Timer`) to it.
        case histogram(bounds: [Double], unitsPerShown: Double)
    }

    public struct Entry: Sendable {
        public let name: String
        public let labels: [(String, String)]
        public let help: String
        public let kind: Kind
        /// The first word in the region's catalogue (a histogram: its sum, then its buckets).
        public let offset: Int
    }

    static let batchBounds: [Double] = [1, 2, 4, 8, 16, 32, 64, 128, 256]
    static let fsyncBounds: [Double] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]

    public static let entries: [Entry] = {
        var e: [Entry] = []
        let kvHelp = "KV store operations by kind (read = get/list, commit = atomic commits)."
        for (i, op) in ["read", "commit", "count", "delete_range", "dequeue"].enumerated() {
            e.append(Entry(name: "edge_kv_operations_total", labels: [("op", op)], help: kvHelp, kind: .counter, offset: i))
        }
        e.append(Entry(name: "edge_kv_commit_batch_size", labels: [], help: "Atomic commits per LMDB write transaction (group commit).",
                       kind: .histogram(bounds: batchBounds, unitsPerShown: 1), offset: 8))
        e.append(Entry(name: "edge_kv_fsync_duration_seconds", labels: [], help: "Time of each LMDB transaction commit (its fsync).",
                       kind: .histogram(bounds: fsyncBounds, unitsPerShown: 1e9), offset: 20))
        e.append(Entry(name: "edge_kv_store_bytes", labels: [], help: "Bytes of the LMDB file in use (last page times page size).",
                       kind: .gauge, offset: 36))
        e.append(Entry(name: "edge_cron_runs_total", labels: [], help: "Cron invocations run by this deployment.", kind: .counter, offset: 40))
        e.append(Entry(name: "edge_cron_failures_total", labels: [], help: "Cron invocations that failed (non-2xx or timeout).", kind: .counter, offset: 41))
        e.append(Entry(name: "edge_fetch_transfers_total", labels: [], help: "Outgoing fetch transfers started.", kind: .counter, offset: 44))
        e.append(Entry(name: "edge_fetch_errors_total", labels: [], help: "Outgoing fetch transfers that failed.", kind: .counter, offset: 45))
        e.append(Entry(name: "edge_worker_restarts_total", labels: [], help: "Worker processes restarted by the supervisor after an unexpected exit.",
                       kind: .counter, offset: 48))
        return e
    }()

    /// The entry recorded as `label` with `dimensions` (in any order), if any.
    public static func entry(label: String, dimensions: [(String, String)]) -> Entry? {
        entries.first { e in
            e.name == label && e.labels.count == dimensions.count
                && e.labels.allSatisfy { l in dimensions.contains { $0.0 == l.0 && $0.1 == l.1 } }
        }
    }

    static func words(_ kind: Kind) -> Int {
        switch kind {
        case .counter, .gauge: 1
        case .histogram(let bounds, _): bounds.count + 2
        }
    }
}

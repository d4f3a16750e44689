import CoreMetrics

/// Outgoing transfers through swift-metrics (labels as `EdgeMetrics`' catalogue lists them). An error is a
/// transfer that produced no response head (DNS, connect, TLS, timeout, cancel); an HTTP error status is
/// a response, not an error.
enum FetchMetrics {
    static let transfers = Counter(label: "edge_fetch_transfers_total")
    static let errors = Counter(label: "edge_fetch_errors_total")
}

/// Where every figure lives in a ``MetricsTable``: fixed offsets, so every process that maps the table
/// agrees on them without talking. One region per process (the supervisor's, then one per worker slot);
/// each region holds the catalogue's words (``MetricsCatalogue``) then one block per route.
///
/// Route block (``routeWords`` words): requests by status class `1xx`...`5xx`, requests in flight,
/// request body bytes, response body bytes, the latency sum in nanoseconds, then one count per latency
/// bucket (``latencyBounds`` then `+Inf`), each count for its bucket alone (cumulated when rendered).
public enum MetricsLayout {
    /// "EDGEMET1": a table whose first word is not this was not made by us.
    static let magic: UInt64 = 0x4544_4745_4D45_5431
    /// Header: magic, region count, words per region, creation time (Unix ms).
    static let headerWords = 8
    /// Words reserved for the catalogue at the start of each region.
    public static let catalogueWords = 128
    /// Route blocks per region. Block 0 is requests no route matched (404s, redirects, bad requests),
    /// block 1 the runtime's own endpoints (`/__edge/*`, `/metrics`); the route table's entries follow, in
    /// precedence order. Routes past this share block 0's label-free twin: see ``MetricsTable/routeBlock(_:)``.
    public static let routeBlocks = 256
    public static let unmatchedBlock = 0
    public static let runtimeBlock = 1
    public static let firstRouteBlock = 2
    static let routeWords = 24
    public static var wordsPerRegion: Int { catalogueWords + routeBlocks * routeWords }
    /// Most regions a table may have (the supervisor plus its workers).
    public static let maxRegions = 257

    // Offsets inside a route block.
    static let statusClass = 0  // 5 words: 1xx, 2xx, 3xx, 4xx, 5xx
    static let inFlight = 5
    static let bytesIn = 6
    static let bytesOut = 7
    static let latencySumNanos = 8
    static let latencyBuckets = 9  // latencyBounds.count + 1 words

    /// Request latency bucket bounds, in seconds (Prometheus' `le`), and the same in nanoseconds.
    public static let latencyBounds: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    static let latencyBoundsNanos: [UInt64] = latencyBounds.map { UInt64(($0 * 1e9).rounded()) }
}

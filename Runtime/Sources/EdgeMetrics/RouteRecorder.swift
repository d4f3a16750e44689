import CEdgeAtomics

/// One route's figures in this process's region, resolved once when the route table is mounted: the
/// request path records through it with a handful of relaxed atomic adds (no allocation, no lock, no
/// label lookup).
public struct RouteRecorder: @unchecked Sendable {
    private let block: UnsafeMutablePointer<UInt64>

    init(block: UnsafeMutablePointer<UInt64>) { self.block = block }

    /// A request of this route started.
    @inline(__always)
    public func begin() {
        CEdgeAtomics_add(block + MetricsLayout.inFlight, 1)
    }

    /// The request ``begin()`` announced ended with `status`, after `nanoseconds`, having read `bytesIn`
    /// body bytes and written `bytesOut`. Statuses outside 100...599 count as `5xx`.
    public func end(status: Int, nanoseconds: Int64, bytesIn: Int, bytesOut: Int) {
        CEdgeAtomics_add(block + MetricsLayout.inFlight, UInt64.max)  // -1, wrapping
        let statusClass = (100...599).contains(status) ? status / 100 - 1 : 4
        CEdgeAtomics_add(block + MetricsLayout.statusClass + statusClass, 1)
        if bytesIn > 0 { CEdgeAtomics_add(block + MetricsLayout.bytesIn, UInt64(bytesIn)) }
        if bytesOut > 0 { CEdgeAtomics_add(block + MetricsLayout.bytesOut, UInt64(bytesOut)) }
        let ns = UInt64(max(nanoseconds, 0))
        CEdgeAtomics_add(block + MetricsLayout.latencySumNanos, ns)
        var bucket = 0
        let bounds = MetricsLayout.latencyBoundsNanos
        while bucket < bounds.count, ns > bounds[bucket] { bucket += 1 }
        CEdgeAtomics_add(block + MetricsLayout.latencyBuckets + bucket, 1)
    }
}

extension MetricsTable {
    /// The recorder of route block `block` (``MetricsLayout``) in `region`. Blocks past the layout's
    /// capacity record into the unmatched block rather than out of bounds.
    public func recorder(region: Int, block: Int) -> RouteRecorder {
        let r = (0..<regions).contains(region) ? region : 0
        let b = (0..<MetricsLayout.routeBlocks).contains(block) ? block : MetricsLayout.unmatchedBlock
        return RouteRecorder(block: word(region: r, MetricsLayout.catalogueWords + b * MetricsLayout.routeWords))
    }

    /// One route block's figures summed over every region.
    public func routeSnapshot(block: Int) -> RouteSnapshot {
        let b = (0..<MetricsLayout.routeBlocks).contains(block) ? block : MetricsLayout.unmatchedBlock
        let at = MetricsLayout.catalogueWords + b * MetricsLayout.routeWords
        var s = RouteSnapshot()
        s.statusClasses = (0..<5).map { sum(at + MetricsLayout.statusClass + $0) }
        s.inFlight = Int64(bitPattern: sum(at + MetricsLayout.inFlight))
        s.bytesIn = sum(at + MetricsLayout.bytesIn)
        s.bytesOut = sum(at + MetricsLayout.bytesOut)
        s.latencySumNanos = sum(at + MetricsLayout.latencySumNanos)
        s.latencyBuckets = (0...MetricsLayout.latencyBounds.count).map { sum(at + MetricsLayout.latencyBuckets + $0) }
        return s
    }
}

/// A route's figures at one instant, summed over the processes.
public struct RouteSnapshot: Sendable, Equatable {
    /// Requests answered with `1xx`...`5xx`.
    public var statusClasses: [UInt64] = [0, 0, 0, 0, 0]
    public var inFlight: Int64 = 0
    public var bytesIn: UInt64 = 0
    public var bytesOut: UInt64 = 0
    public var latencySumNanos: UInt64 = 0
    /// Requests per latency bucket (``MetricsLayout/latencyBounds`` then `+Inf`), each bucket alone.
    public var latencyBuckets: [UInt64] = []

    public init() {}

    public var requests: UInt64 { statusClasses.reduce(0, &+) }

    /// Adds `other`'s figures (to sum several routes).
    public mutating func add(_ other: RouteSnapshot) {
        for i in 0..<5 { statusClasses[i] &+= other.statusClasses[i] }
        inFlight &+= other.inFlight
        bytesIn &+= other.bytesIn
        bytesOut &+= other.bytesOut
        latencySumNanos &+= other.latencySumNanos
        if latencyBuckets.isEmpty { latencyBuckets = other.latencyBuckets } else {
            for i in 0..<min(latencyBuckets.count, other.latencyBuckets.count) { latencyBuckets[i] &+= other.latencyBuckets[i] }
        }
    }

    /// The `q` quantile (0...1) of the latency in seconds, interpolated inside its bucket as Prometheus'
    /// `histogram_quantile` does (a quantile in the `+Inf` bucket answers the highest finite bound). Nil
    /// without requests.
    public func latencyQuantile(_ q: Double) -> Double? {
        let total = latencyBuckets.reduce(0, &+)
        guard total > 0, q.isFinite else { return nil }
        let rank = min(max(q, 0), 1) * Double(total)
        var below: UInt64 = 0
        let bounds = MetricsLayout.latencyBounds
        for (i, count) in latencyBuckets.enumerated() {
            if count > 0, Double(below + count) >= rank {
                guard i < bounds.count else { return bounds.last }
                let lower = i == 0 ? 0 : bounds[i - 1]
                return lower + (bounds[i] - lower) * (rank - Double(below)) / Double(count)
            }
            below += count
        }
        return bounds.last
    }
}

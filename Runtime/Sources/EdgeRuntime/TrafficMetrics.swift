package import EdgeMetrics

/// What the runtime measured of its own requests (the figures `/metrics` shows, summed over every
/// worker), for apps that report on their own traffic: Persephone's monitor summary.
public struct TrafficMetrics: Sendable {
    package let table: MetricsTable
    /// Every mounted route: its metrics block, pattern and app.
    package let routes: [Route]

    package struct Route: Sendable {
        package let block: Int
        package let pattern: String
        package let app: String?
        package init(block: Int, pattern: String, app: String?) {
            self.block = block
            self.pattern = pattern
            self.app = app
        }
    }

    package init(table: MetricsTable, routes: [Route]) {
        self.table = table
        self.routes = routes
    }

    /// The route patterns of `app`, in precedence order.
    public func routes(ofApp app: String) -> [String] {
        routes.filter { $0.app == app }.map(\.pattern)
    }

    /// The requests to `app`'s routes except the patterns in `excluding`, summed since the figures began.
    public func summary(app: String, excluding: Set<String> = []) -> TrafficSummary {
        var total = RouteSnapshot()
        for r in routes where r.app == app && !excluding.contains(r.pattern) { total.add(table.routeSnapshot(block: r.block)) }
        return TrafficSummary(snapshot: total, startedAtUnixMs: table.createdAtUnixMs)
    }
}

/// A sum of routes' request figures (``TrafficMetrics/summary(app:excluding:)``).
public struct TrafficSummary: Sendable {
    let snapshot: RouteSnapshot
    /// When the figures began (Unix ms): the server's start.
    public let startedAtUnixMs: Int64

    /// Requests answered.
    public var requests: UInt64 { snapshot.requests }
    /// Requests answered `4xx`, and `5xx`.
    public var clientErrors: UInt64 { snapshot.statusClasses[3] }
    public var serverErrors: UInt64 { snapshot.statusClasses[4] }
    /// Requests being answered now.
    public var inFlight: Int64 { snapshot.inFlight }
    /// The `q` quantile of the latency in milliseconds, from the latency histogram (interpolated within
    /// its bucket, as Prometheus' `histogram_quantile`); nil before any request.
    public func latencyQuantileMs(_ q: Double) -> Double? { snapshot.latencyQuantile(q).map { $0 * 1000 } }
}

/// Where ``Context/traffic`` is kept.
package enum TrafficMetricsKey: ServiceKey {
    package typealias Value = TrafficMetrics
}

extension Context {
    /// The runtime's own request figures (nil when the runtime keeps none).
    public var traffic: TrafficMetrics? { services[TrafficMetricsKey.self] }
}

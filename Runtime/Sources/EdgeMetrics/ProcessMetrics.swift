public import CoreMetrics
import Synchronization

/// The table this process records into: a worker's region of its supervisor's table, or a private table
/// of `edge serve --workers 0`. Processes that installed none (tests, tools) give each application a
/// private table of its own.
public enum ProcessMetrics {
    private static let installed = Mutex<(table: MetricsTable, region: Int)?>(nil)

    public static var current: (table: MetricsTable, region: Int)? { installed.withLock { $0 } }

    /// Makes `region` of `table` this process's, and bootstraps swift-metrics with an
    /// ``EdgeMetricsFactory`` on it, so `Counter(label:)` anywhere records there. Call it before the
    /// first figure is recorded (swift-metrics binds a handle at its creation); once per process, later
    /// calls change nothing.
    public static func install(_ table: MetricsTable, region: Int) {
        let first = installed.withLock { s in
            guard s == nil else { return false }
            s = (table, region)
            return true
        }
        if first { MetricsSystem.bootstrap(EdgeMetricsFactory(table: table, region: region)) }
    }
}

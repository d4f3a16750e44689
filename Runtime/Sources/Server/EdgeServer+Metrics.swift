import EdgeMetrics
import EdgeRuntime

extension EdgeServer {
    /// `edge serve --workers 0`: this process's figures go to a private table (a worker's come from its
    /// supervisor, see `WorkerRole`). Call it before the KV store opens: swift-metrics binds a handle
    /// when it is made.
    public static func installSingleProcessMetrics() {
        ProcessMetrics.install(MetricsTable.anonymous(createdAtUnixMs: WallClock.nowMilliseconds()), region: 0)
    }
}

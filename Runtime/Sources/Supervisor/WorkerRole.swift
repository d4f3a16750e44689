import CProcess
import EdgeMetrics
#if canImport(Glibc)
import Glibc
#endif

/// What a worker process needs from its supervisor: the inherited socket, the ready pipe, and to go
/// when the supervisor goes.
public struct WorkerRole: Sendable {
    /// The inherited listening socket.
    public let listenFD: Int32
    let readyFD: Int32?

    /// The role from the environment the supervisor set (`EDGE_LISTEN_FD`...), or nil in a process that
    /// was not started as a worker. Arranges for SIGTERM (a graceful drain) when the supervisor exits,
    /// and exits at once if it already has.
    public init?(environment: [String: String]) {
        guard let fd = environment["EDGE_LISTEN_FD"].flatMap({ Int32($0) }), fd >= 0 else { return nil }
        listenFD = fd
        readyFD = environment["EDGE_READY_FD"].flatMap { Int32($0) }
        if let table = environment["EDGE_INFLIGHT_FD"].flatMap({ Int32($0) }) { InFlightTable.install(fd: table) }
        // Worker slot n records into region n + 1 of the shared table (region 0 is the supervisor's).
        if let fd = environment["EDGE_METRICS_FD"].flatMap({ Int32($0) }), let slot = environment["EDGE_WORKER"].flatMap({ Int($0) }),
           let table = MetricsTable.map(fd: fd) {
            ProcessMetrics.install(table, region: slot + 1)
        }
        _ = CProcess_setParentDeathSignal(SIGTERM)
        if let supervisor = environment["EDGE_SUPERVISOR_PID"].flatMap({ pid_t($0) }), getppid() != supervisor {
            exit(0)  // the supervisor died before we could ask to follow it
        }
    }

    /// Tells the supervisor this worker accepts connections.
    public func announceReady() {
        guard let readyFD else { return }
        let line = Array("\(getpid())\n".utf8)
        _ = line.withUnsafeBytes { write(readyFD, $0.baseAddress, $0.count) }
    }
}

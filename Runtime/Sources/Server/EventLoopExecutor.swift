import NIOCore
import NIOPosix

/// Where async code runs. `EDGE_EXECUTOR=eventloop` installs SwiftNIO's event-loop threads as Swift
/// Concurrency's global executor, so a handler runs on the thread that does its socket I/O. Off by default:
/// on this 2-core machine kind it measured the same CPU per request as the default pool (bench/http,
/// 2026-11-25: 80-83 µs either way), and handlers that block would then block socket I/O too.
/// Must run on the main thread before any task starts.
public enum EventLoopExecutor {
    @discardableResult
    public static func installIfEnabled(_ environment: [String: String]) -> Bool {
        guard environment["EDGE_EXECUTOR"]?.lowercased() == "eventloop" else { return false }
        return NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}

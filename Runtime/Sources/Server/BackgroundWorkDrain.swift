import EdgeRuntime
import ServiceLifecycle

/// Waits for `waitUntil` work once graceful shutdown reaches it (after the HTTP server has answered its
/// in-flight requests), for ``EdgeLimits/shutdownGracePeriod`` at most; work still running then is
/// cancelled when the process exits.
struct BackgroundWorkDrain: Service {
    let app: EdgeApplication

    func run() async {
        try? await gracefulShutdown()
        let background = app.background
        await withTaskGroup(of: Void.self) { g in
            g.addTask { await background.drain() }
            g.addTask { try? await Task.sleep(for: .seconds(EdgeLimits.shutdownGracePeriod)) }
            await g.next()
            g.cancelAll()
        }
    }
}

import EdgeRuntime
public import ServiceLifecycle

/// Something the process holds from start-up to shutdown (the KV store and its LMDB writer thread, the
/// curl thread), as a `Service`: it does nothing until graceful shutdown or cancellation reaches it,
/// then releases the resource and returns.
///
/// A `ServiceGroup` shuts its services down one at a time in reverse order, so a resource listed before
/// the HTTP server and the `waitUntil` drain is released only after the last request and the last
/// `waitUntil` task that could use it have ended.
public struct ResourceService: Service, CustomStringConvertible {
    public let description: String
    private let release: @Sendable () async -> Void

    public init(_ name: String, release: @escaping @Sendable () async -> Void) {
        self.description = name
        self.release = release
    }

    public func run() async {
        try? await gracefulShutdown()
        await release()
    }
}

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

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

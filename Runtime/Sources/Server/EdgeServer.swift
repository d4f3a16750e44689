import EdgeRuntime
import NIOCore
public import ServiceLifecycle

/// The HTTP/1.1 server: ``HTTP1Server`` on SwiftNIO, our ``EdgeApplication`` as the responder.
///
/// Shutdown (SIGTERM/SIGINT): stop accepting, let in-flight requests finish (bounded by
/// ``EdgeLimits/shutdownGracePeriod``), then wait for `waitUntil` work, then flush logs.
public struct EdgeServer: Sendable {
    public let app: EdgeApplication
    public let host: String
    public let port: Int
    /// A listening socket inherited from the supervisor (worker processes), else nil: bind `host:port`.
    public let listenFD: Int32?
    let accessLog: AccessLog
    /// Connection timeouts and cap: ``EdgeLimits``' values, `EDGE_MAX_CONNECTIONS` from the process
    /// environment overriding the cap.
    public let connectionLimits: ConnectionLimits

    public init(app: EdgeApplication, host: String, port: Int, listenFD: Int32? = nil, logFormat: LogFormat, accessLog: Bool = true,
                connectionLimits: ConnectionLimits = ConnectionLimits(environment: FileIO.processEnvironment())) {
        self.app = app
        self.host = host
        self.port = port
        self.listenFD = listenFD
        self.accessLog = AccessLog(format: logFormat, enabled: accessLog)
        self.connectionLimits = connectionLimits
    }

    /// Serves until a shutdown signal; `onListening` gets the bound port (useful with port 0).
    ///
    /// One service group, shut down in reverse order on SIGTERM/SIGINT: the HTTP server (stops
    /// accepting, finishes in-flight requests), then `services` (cron), then the `waitUntil` drain, then
    /// `resources` (``ResourceService``: the KV store, the fetch client), which outlive everything that
    /// could use them.
    public func run(resources: [any Service] = [], extraServices services: [any Service] = [],
                    onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let app = self.app
        let server = makeServer(onListening: onListening)
        let ordered: [any Service] = resources + [BackgroundWorkDrain(app: app)] + services + [server]
        let group = ServiceGroup(
            configuration: .init(
                services: ordered.map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: Logger(label: "edge.lifecycle", factory: { _ in SwiftLogNoOpLogHandler() })
            )
        )
        try await group.run()
        app.logger.info("stopped", metadata: ["pendingBackgroundTasks": .stringConvertible(app.background.pending)])
        LogSink.standardOutput.flush()
    }

    /// Serves with no signal handling until the calling task is cancelled (test servers, fake
    /// upstreams): the listening socket closes then.
    package func serveUntilCancelled(onListening: @escaping @Sendable (Int) async -> Void) async throws {
        try await makeServer(onListening: onListening).run()
    }

    private func makeServer(onListening: @escaping @Sendable (Int) async -> Void) -> HTTP1Server {
        HTTP1Server(host: host, port: port, listenFD: listenFD, responder: HTTP1Responder(app: app, accessLog: accessLog),
                    limits: connectionLimits, onListening: onListening)
    }

    /// The peer's address as text. IPv4 is formatted here: NIO's `ipAddress` goes through `inet_ntop`,
    /// whose `sprintf` was a measurable part of a small request's cost.
    static func ipString(_ address: SocketAddress?) -> String? {
        guard case .v4(let v4)? = address else { return address?.ipAddress }
        let ip = UInt32(bigEndian: v4.address.sin_addr.s_addr)
        var out: [UInt8] = []
        out.reserveCapacity(15)
        for shift in stride(from: 24, through: 0, by: -8) {
            let octet = Int((ip >> UInt32(shift)) & 0xFF)
            if octet >= 100 { out.append(UInt8(truncatingIfNeeded: 0x30 + octet / 100)) }
            if octet >= 10 { out.append(UInt8(truncatingIfNeeded: 0x30 + (octet / 10) % 10)) }
            out.append(UInt8(truncatingIfNeeded: 0x30 + octet % 10))
            if shift > 0 { out.append(UInt8(ascii: ".")) }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

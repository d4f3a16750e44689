import EdgeRuntime
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Supervisor
#if canImport(Glibc)
import Glibc
#endif

/// The listening socket and its connections, as a service: SwiftNIO's HTTP/1.1 request parser, then
/// ``HTTPConnectionHandler``, which frames responses itself (``ResponseEncoder``). No async channel wrappers: a request
/// costs one task, started and finished on the connection's event loop.
///
/// Connections are accepted by ``SharedAcceptLoop`` on a thread of its own, whether the socket is this
/// process's (bound here) or inherited from a supervisor and shared with other workers: one accept path,
/// which backs off instead of spinning when the process is out of file descriptors.
///
/// Connection hygiene: each connection's timeouts and the process's connection cap come from
/// ``ConnectionLimits`` (``HTTPConnectionHandler``, ``ConnectionGate``).
///
/// Graceful shutdown: stop accepting (a shared socket stays open for the other workers; an own one
/// closes), close idle connections, let each busy one finish its response and close, and wait for them
/// for up to ``EdgeLimits/shutdownGracePeriod`` before closing the rest.
final class HTTP1Server: Service {
    let host: String
    let port: Int
    let responder: HTTP1Responder
    let limits: ConnectionLimits
    let onListening: @Sendable (Int) async -> Void
    /// A listening socket inherited from a supervisor (shared with the other workers), used instead of
    /// binding `host:port`.
    let listenFD: Int32?

    init(host: String, port: Int, listenFD: Int32? = nil, responder: HTTP1Responder, limits: ConnectionLimits = ConnectionLimits(),
         onListening: @escaping @Sendable (Int) async -> Void) {
        self.host = host
        self.port = port
        self.listenFD = listenFD
        self.responder = responder
        self.limits = limits
        self.onListening = onListening
    }

    func run() async throws {
        if let listenFD { return try await serve(on: listenFD, port: 0) }
        let socket = try ListeningSocket(host: host, port: port)
        defer { close(socket.fd) }
        try await serve(on: socket.fd, port: socket.port)
    }

    /// Accepts on `listenFD` until cancelled or told to shut down gracefully; `port` is reported to
    /// `onListening`.
    private func serve(on listenFD: Int32, port: Int) async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let responder = self.responder
        let connectionLimits = self.limits
        let gate = ConnectionGate(limits: connectionLimits, logger: responder.app.logger)
        Self.instantiatePipelineTypes()
        let acceptor = try SharedAcceptLoop(listenFD: listenFD, group: group, gate: gate) { channel in
            Self.addConnectionHandlers(to: channel, responder: responder, gate: gate, limits: connectionLimits)
        }
        acceptor.start()
        await onListening(port)
        let (stop, stopNow) = AsyncStream.makeStream(of: Void.self)
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                for await _ in stop { break }
            } onCancel: {
                stopNow.finish()
            }
        } onGracefulShutdown: {
            stopNow.finish()
        }
        await acceptor.stopAccepting()
        acceptor.quiesce()
        let deadline = ContinuousClock.now + .seconds(EdgeLimits.shutdownGracePeriod)
        while acceptor.hasConnections, ContinuousClock.now < deadline, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(20))
        }
        acceptor.closeAll()
    }

    /// Makes the Swift runtime build the pipeline handlers' type metadata now, on one thread, before the
    /// first connection. Built lazily, it was built by the first connections' event loops at once, and twice
    /// (a clean-clone CI run and a local `make test`) a process at its descriptor limit crashed inside the
    /// runtime's conformance check for `ByteToMessageHandler<HTTPRequestDecoder>` doing so.
    static func instantiatePipelineTypes() {
        let types: [Any.Type] = [
            RequestLineCheck.self, ChunkSizeWatch.self, ByteToMessageHandler<HTTPRequestDecoder>.self,
            HTTPConnectionHandler.self, ConnectionRefuser.self,
        ]
        for type in types { _ = String(reflecting: type) }
    }

    /// The pipeline of every connection: ``RequestLineCheck`` (first request line only),
    /// ``ChunkSizeWatch``, NIO's request parser with our header limits, then ``HTTPConnectionHandler``; over the connection cap,
    /// ``ConnectionRefuser`` alone.
    static func addConnectionHandlers(to channel: any Channel, responder: HTTP1Responder, gate: ConnectionGate,
                                      limits: ConnectionLimits) -> EventLoopFuture<Void> {
        channel.eventLoop.makeCompletedFuture {
            let sync = channel.pipeline.syncOperations
            guard gate.admit(channel) else {
                try sync.addHandler(ConnectionRefuser())
                return
            }
            var decoderLimits = NIOHTTPDecoderLimitConfiguration()
            decoderLimits.maxHeaderFieldSize = EdgeLimits.maxHeaderFieldSize
            decoderLimits.maxHeaderListSize = EdgeLimits.maxHeaderListSize
            try sync.addHandler(RequestLineCheck(responder: responder))
            try sync.addHandler(ChunkSizeWatch())
            try sync.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes, informationalResponseStrategy: .drop, limitConfiguration: decoderLimits)))
            try sync.addHandler(HTTPConnectionHandler(responder: responder, limits: limits))
        }
    }
}

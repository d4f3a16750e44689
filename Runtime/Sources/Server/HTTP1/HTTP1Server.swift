import EdgeRuntime
import NIOCore
import NIOExtras
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The listening socket and its connections, as a service: SwiftNIO's HTTP/1.1 request parser, then
/// ``HTTPConnectionHandler``, which frames responses itself (``ResponseEncoder``). No async channel wrappers: a request
/// costs one task, started and finished on the connection's event loop.
///
/// Graceful shutdown: stop accepting, close idle connections, let each busy one finish its response
/// and close, and wait for them for up to ``EdgeLimits/shutdownGracePeriod`` before closing the rest.
final class HTTP1Server: Service {
    let host: String
    let port: Int
    let responder: HTTP1Responder
    let onListening: @Sendable (Int) async -> Void
    /// A listening socket inherited from a supervisor (shared with the other workers), used instead of
    /// binding `host:port`.
    let listenFD: Int32?

    init(host: String, port: Int, listenFD: Int32? = nil, responder: HTTP1Responder, onListening: @escaping @Sendable (Int) async -> Void) {
        self.host = host
        self.port = port
        self.listenFD = listenFD
        self.responder = responder
        self.onListening = onListening
    }

    func run() async throws {
        if let listenFD { return try await runShared(listenFD) }
        let group = MultiThreadedEventLoopGroup.singleton
        let quiesce = ServerQuiescingHelper(group: group)
        let responder = self.responder
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiesce.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in Self.addConnectionHandlers(to: channel, responder: responder) }
        let server = try await bootstrap.bind(host: host, port: port).get()
        await onListening(server.localAddress?.port ?? 0)

        let shutdown = ShutdownState()
        try await withGracefulShutdownHandler {
            try await withTaskCancellationHandler {
                try await server.closeFuture.get()
            } onCancel: {
                server.close(promise: nil)
            }
        } onGracefulShutdown: {
            let allClosed = group.any().makePromise(of: Void.self)
            shutdown.allClosed.withLock { $0 = allClosed.futureResult }
            quiesce.initiateShutdown(promise: allClosed)
        }
        guard let allClosed = shutdown.allClosed.withLock({ $0 }) else { return }
        // Busy connections finish their response (bounded); the process then exits with the rest.
        let loop = allClosed.eventLoop
        let timer = loop.scheduleTask(in: .seconds(Int64(EdgeLimits.shutdownGracePeriod))) {}
        let first = loop.makePromise(of: Void.self)
        let finish: @Sendable (Result<Void, any Error>) -> Void = { _ in
            if shutdown.waited.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged {
                first.succeed(())
            }
        }
        allClosed.whenComplete(finish)
        timer.futureResult.whenComplete(finish)
        try? await first.futureResult.get()
        timer.cancel()
    }
}

private final class ShutdownState: Sendable {
    /// Set when graceful shutdown starts: completes once every connection has closed.
    let allClosed = Mutex<EventLoopFuture<Void>?>(nil)
    /// Set by whichever comes first, that future or the grace period.
    let waited = Atomic<Bool>(false)
}

extension HTTP1Server {
    /// The pipeline of every connection, however it was accepted: NIO's request parser with our header
    /// limits, then ``HTTPConnectionHandler``.
    static func addConnectionHandlers(to channel: any Channel, responder: HTTP1Responder) -> EventLoopFuture<Void> {
        channel.eventLoop.makeCompletedFuture {
            var limits = NIOHTTPDecoderLimitConfiguration()
            limits.maxHeaderFieldSize = EdgeLimits.maxHeaderFieldSize
            limits.maxHeaderListSize = EdgeLimits.maxHeaderListSize
            let sync = channel.pipeline.syncOperations
            try sync.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes, informationalResponseStrategy: .drop, limitConfiguration: limits)))
            try sync.addHandler(HTTPConnectionHandler(responder: responder))
        }
    }

    /// Serves on a listening socket shared with other worker processes (``SharedAcceptLoop``). Graceful
    /// shutdown: stop accepting (the socket stays open for the other workers), let busy connections finish
    /// their response (``EdgeLimits/shutdownGracePeriod`` at most), then close the rest.
    func runShared(_ listenFD: Int32) async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let responder = self.responder
        let acceptor = try SharedAcceptLoop(listenFD: listenFD, group: group, logger: responder.app.logger) { channel in
            Self.addConnectionHandlers(to: channel, responder: responder)
        }
        acceptor.start()
        await onListening(0)
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
}

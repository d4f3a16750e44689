public import EdgeRuntime
import HummingbirdCore
import NIOCore
import NIOPosix
public import ServiceLifecycle
import Synchronization

/// The HTTP/1.1 server: HummingbirdCore's channel on SwiftNIO, our ``EdgeApplication`` as the responder.
///
/// Shutdown (SIGTERM/SIGINT): stop accepting, let in-flight requests finish (bounded by
/// ``EdgeLimits/shutdownGracePeriod``), then wait for `waitUntil` work, then flush logs.
public struct EdgeServer: Sendable {
    public let app: EdgeApplication
    public let host: String
    public let port: Int
    let accessLog: AccessLog

    public init(app: EdgeApplication, host: String, port: Int, logFormat: LogFormat, accessLog: Bool = true) {
        self.app = app
        self.host = host
        self.port = port
        self.accessLog = AccessLog(format: logFormat, enabled: accessLog)
    }

    /// Serves until a shutdown signal; `onListening` gets the bound port (useful with port 0).
    public func run(extraServices: [any Service] = [], onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let app = self.app
        let accessLog = self.accessLog
        let responder: HTTPChannelHandler.Responder = { request, writer, channel in
            try await EdgeServer.serve(request, writer: writer, channel: channel, app: app, accessLog: accessLog)
        }
        var decoder = HTTP1Channel.Configuration.DecoderConfiguration()
        decoder.maxHeaderFieldSize = EdgeLimits.maxHeaderFieldSize
        decoder.maxHeaderListSize = EdgeLimits.maxHeaderListSize
        var http1 = HTTP1Channel.Configuration(idleTimeout: .seconds(75))
        http1.httpDecoder = decoder
        let server = try HTTPServerBuilder.http1(configuration: http1).buildServer(
            configuration: ServerConfiguration(address: .hostname(host, port: port), serverName: nil, backlog: 1024),
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            logger: app.logger,
            responder: responder,
            onServerRunning: { channel in
                await onListening(channel.localAddress?.port ?? 0)
            }
        )
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: server)] + extraServices.map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: Logger(label: "edge.lifecycle", factory: { _ in SwiftLogNoOpLogHandler() })
            )
        )
        try await group.run()
        // In-flight requests are done; now the work they left behind.
        await withTaskGroup(of: Void.self) { g in
            g.addTask { await app.background.drain() }
            g.addTask { try? await Task.sleep(for: .seconds(EdgeLimits.shutdownGracePeriod)) }
            await g.next()
            g.cancelAll()
        }
        app.logger.info("stopped", metadata: ["pendingBackgroundTasks": .stringConvertible(app.background.pending)])
        LogSink.standardOutput.flush()
    }

    static func serve(_ hb: HummingbirdCore.Request, writer: consuming ResponseWriter, channel: any Channel, app: EdgeApplication, accessLog: AccessLog) async throws {
        let start = ContinuousClock.now
        let requestId = RequestID.accept(hb.headers[.requestId])
        let target = hb.head.path ?? "/"
        var path = target, query: String? = nil
        if let q = target.utf8.firstIndex(of: UInt8(ascii: "?")) {
            path = String(target[..<q])
            query = String(target[target.utf8.index(after: q)...])
        }
        let declared = hb.headers[.contentLength].flatMap { Int($0) }
        let hbBody = hb.body
        let body = RequestBody(stream: ByteStream(make: {
            let box = RequestBodyIterator(hbBody.makeAsyncIterator())
            return ByteStream.Iterator { try await box.next() }
        }), declaredLength: declared)
        var request = EdgeRuntime.Request(method: hb.method, path: path, rawQuery: query, headers: hb.headers, host: hb.head.authority, body: body)
        if app.trustProxy, let forwarded = hb.headers[.forwardedFor]?.split(separator: ",").first {
            request.clientAddress = String(forwarded.drop(while: { $0 == " " }))
        } else {
            // Read now (NIO forgets it once the channel closes); formatted only if a handler asks.
            let peer = channel.remoteAddress
            request.clientAddressSource = .deferred { Self.ipString(peer) }
        }
        let outcome = await app.respond(to: request, requestId: requestId, placement: .currentTask)
        var response = outcome.response
        let isHead = hb.method == .head
        let written: (bytes: Int, error: (any Error)?)
        if Task.isCancelled {
            // The deadline watchdog cancelled this connection's task (the handler ran on it). NIO's async
            // writer refuses writes from a cancelled task, so this response goes out from a fresh one. The
            // keep-alive loop ends after it (HummingbirdCore shut the input when the task was cancelled).
            response.headers[.connection] = "close"
            let box = WriterBox(writer)
            let r = response
            written = await Task { await write(r, isHead: isHead, writer: box.take(), channel: channel) }.value
        } else {
            written = await write(response, isHead: isHead, writer: writer, channel: channel)
        }
        accessLog.record(
            method: hb.method.rawValue, path: path, route: outcome.route, status: Int(response.status.code),
            duration: ContinuousClock.now - start, bytes: written.bytes, requestId: requestId, error: written.error
        )
        if let failed = written.error { throw failed }
        if outcome.closeConnection { try? await channel.close() }
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

    /// Writes `response` (its head only for HEAD); the body bytes written, and the error if writing failed.
    static func write(_ response: EdgeRuntime.Response, isHead: Bool, writer: consuming ResponseWriter, channel: any Channel) async -> (bytes: Int, error: (any Error)?) {
        var response = response
        var bytes = 0
        do {
            switch response.body {
            case .empty:
                if response.headers[.contentLength] == nil, response.status.code != 204, response.status.code != 304 {
                    response.headers[.contentLength] = "0"
                }
                try await writer.writeResponse(HTTPResponse(status: response.status, headerFields: response.headers))
            case .bytes(let b):
                response.headers[.contentLength] = String(b.count)
                let head = HTTPResponse(status: response.status, headerFields: response.headers)
                if isHead {
                    try await writer.writeResponse(head)
                } else {
                    bytes = b.count
                    try await writer.write(response: head, body: HummingbirdCore.ResponseBody(byteBuffer: ByteBuffer(bytes: b)))
                }
            case .stream where isHead, .producer where isHead:
                try await writer.writeResponse(HTTPResponse(status: response.status, headerFields: response.headers))
            case .stream, .producer:
                var bw = try await writer.writeHead(HTTPResponse(status: response.status, headerFields: response.headers))
                bytes = try await StreamPump.pump(response.body.stream!, into: &bw, channel: channel)
                try await bw.finish(nil)
            }
        } catch {
            return (bytes, error)
        }
        return (bytes, nil)
    }
}

/// Hands the connection's `~Copyable` response writer to the task that writes a response for a
/// cancelled connection task (see ``EdgeServer/serve``). Taken exactly once.
final class WriterBox: @unchecked Sendable {
    private var writer: ResponseWriter?
    init(_ writer: consuming ResponseWriter) { self.writer = consume writer }
    func take() -> ResponseWriter {
        guard let w = writer.take() else { preconditionFailure("WriterBox taken twice") }
        return w
    }
}

/// Reads the NIO request body as byte arrays (one copy per chunk).
final class RequestBodyIterator: @unchecked Sendable {
    var iterator: HummingbirdCore.RequestBody.AsyncIterator
    init(_ iterator: HummingbirdCore.RequestBody.AsyncIterator) { self.iterator = iterator }
    func next() async throws -> [UInt8]? {
        guard let buffer = try await iterator.next() else { return nil }
        return Array(buffer: buffer)
    }
}

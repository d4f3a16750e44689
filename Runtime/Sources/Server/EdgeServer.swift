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
        if let q = target.firstIndex(of: "?") {
            path = String(target[..<q])
            query = String(target[target.index(after: q)...])
        }
        let declared = hb.headers[.contentLength].flatMap { Int($0) }
        let hbBody = hb.body
        let body = RequestBody(stream: ByteStream(make: {
            let box = RequestBodyIterator(hbBody.makeAsyncIterator())
            return ByteStream.Iterator { try await box.next() }
        }), declaredLength: declared)
        var request = EdgeRuntime.Request(method: hb.method, path: path, rawQuery: query, headers: hb.headers, host: hb.head.authority, body: body)
        request.clientAddress = app.trustProxy
            ? (hb.headers[HTTPField.Name("x-forwarded-for")!]?.split(separator: ",").first.map { String($0.drop(while: { $0 == " " })) } ?? channel.remoteAddress?.ipAddress)
            : channel.remoteAddress?.ipAddress
        let outcome = await app.respond(to: request, requestId: requestId)
        var response = outcome.response
        let isHead = hb.method == .head
        var bytes = 0
        var failed: (any Error)? = nil
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
            failed = error
        }
        accessLog.record(
            method: hb.method.rawValue, path: path, route: outcome.route, status: Int(response.status.code),
            duration: ContinuousClock.now - start, bytes: bytes, requestId: requestId, error: failed
        )
        if let failed { throw failed }
        if outcome.closeConnection { try? await channel.close() }
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

import EdgeRuntime
import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Turns one parsed request into an ``EdgeApplication`` call and its response into channel writes,
/// then logs it. Runs on the request's own task (see ``HTTPConnectionHandler``).
struct HTTP1Responder: Sendable {
    let app: EdgeApplication
    let accessLog: AccessLog

    /// Starts the request's task on the connection's event loop.
    /// `ended` is called once the response's end has been written.
    func start(_ head: HTTPRequest, body: RequestBodySource?, channel: any Channel, executor: LoopTaskExecutor, ended: @escaping @Sendable () -> Void) {
        // Read now: NIO forgets the peer once the channel closes.
        let peer = app.trustProxy ? nil : channel.remoteAddress
        Task(executorPreference: executor) {
            await serve(head, body: body, peer: peer, channel: channel, ended: ended)
        }
    }

    func serve(_ head: HTTPRequest, body source: RequestBodySource?, peer: SocketAddress?, channel: any Channel, ended: @Sendable () -> Void) async {
        let start = ContinuousClock.now
        let requestId = RequestID.accept(head.headerFields[.requestId])
        let target = head.path ?? "/"
        var path = target, query: String? = nil
        if let q = target.utf8.firstIndex(of: UInt8(ascii: "?")) {
            path = String(target[..<q])
            query = String(target[target.utf8.index(after: q)...])
        }
        let stream: ByteStream
        if let source {
            stream = ByteStream(make: { ByteStream.Iterator { try await source.next() } })
        } else {
            stream = .empty
        }
        let declared = head.headerFields[.contentLength].flatMap { Int($0) }
        var request = Request(
            method: head.method, path: path, rawQuery: query, headers: head.headerFields, host: head.authority,
            body: RequestBody(stream: stream, declaredLength: declared)
        )
        if app.trustProxy, let forwarded = head.headerFields[.forwardedFor]?.split(separator: ",").first {
            request.clientAddress = String(forwarded.drop(while: { $0 == " " }))
        } else {
            request.clientAddressSource = .deferred { EdgeServer.ipString(peer) }
        }
        let outcome = await app.respond(to: request, requestId: requestId, placement: .currentTask)
        let response = outcome.response
        let close = outcome.closeConnection
            || Self.says(close: response.headers[.connection])
            || Self.says(close: head.headerFields[.connection])
        let written = await Self.write(response, isHead: head.method == .head, channel: channel, close: close)
        ended()
        accessLog.record(
            method: head.method.rawValue, path: path, route: outcome.route, status: Int(response.status.code),
            duration: ContinuousClock.now - start, bytes: written.bytes, requestId: requestId, error: written.error
        )
    }

    /// Answers a request NIO could not parse: 400 in the error envelope, then the connection closes.
    func rejectMalformed(channel: any Channel) {
        let requestId = RequestID.accept(nil)
        var response = HTTPError(.badRequest, code: "malformed_request", message: "The request is not valid HTTP/1.1").response(requestId: requestId)
        response.headers[.requestId] = requestId
        response.headers[.connection] = "close"
        guard case .bytes(let bytes) = response.body else { return }
        response.headers[.contentLength] = String(bytes.count)
        channel.write(HTTPResponsePart.head(HTTPResponse(status: response.status, headerFields: response.headers)), promise: nil)
        channel.write(HTTPResponsePart.body(ByteBuffer(bytes: bytes)), promise: nil)
        let written = channel.eventLoop.makePromise(of: Void.self)
        written.futureResult.whenComplete { _ in channel.close(promise: nil) }
        channel.writeAndFlush(HTTPResponsePart.end(nil), promise: written)
        accessLog.record(
            method: "-", path: "-", route: nil, status: 400, duration: .zero, bytes: bytes.count, requestId: requestId, error: nil
        )
    }

    static func says(close value: String?) -> Bool {
        guard let value else { return false }
        return value.split(separator: ",").contains { String($0).trimmingSpaces.lowercased() == "close" }
    }

    /// Writes `response` (its head only for HEAD) and ends it; closes the connection after it when
    /// `close`, or at once if a streamed body failed (the client must not take a cut body as whole).
    /// The body bytes written, and the error if the stream failed.
    static func write(_ response: Response, isHead: Bool, channel: any Channel, close: Bool) async -> (bytes: Int, error: (any Error)?) {
        var fields = response.headers
        var bytes = 0
        switch response.body {
        case .empty:
            if fields[.contentLength] == nil, response.status.code != 204, response.status.code != 304 {
                fields[.contentLength] = "0"
            }
            channel.write(HTTPResponsePart.head(HTTPResponse(status: response.status, headerFields: fields)), promise: nil)
        case .bytes(let b):
            fields[.contentLength] = String(b.count)
            channel.write(HTTPResponsePart.head(HTTPResponse(status: response.status, headerFields: fields)), promise: nil)
            if !isHead, !b.isEmpty {
                bytes = b.count
                channel.write(HTTPResponsePart.body(channel.allocator.buffer(bytes: b)), promise: nil)
            }
        case .stream where isHead, .producer where isHead:
            channel.write(HTTPResponsePart.head(HTTPResponse(status: response.status, headerFields: fields)), promise: nil)
        case .stream, .producer:
            channel.writeAndFlush(HTTPResponsePart.head(HTTPResponse(status: response.status, headerFields: fields)), promise: nil)
            do {
                bytes = try await StreamPump.pump(response.body.stream!, channel: channel) { chunk in
                    try await channel.writeAndFlush(HTTPResponsePart.body(channel.allocator.buffer(bytes: chunk)))
                    return chunk.count
                }
            } catch {
                channel.close(promise: nil)
                return (bytes, error)
            }
        }
        if close {
            let ended = channel.eventLoop.makePromise(of: Void.self)
            ended.futureResult.whenComplete { _ in channel.close(promise: nil) }
            channel.writeAndFlush(HTTPResponsePart.end(nil), promise: ended)
        } else {
            channel.writeAndFlush(HTTPResponsePart.end(nil), promise: nil)
        }
        return (bytes, nil)
    }
}

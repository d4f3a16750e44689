import EdgeRuntime
import HTTPTypes
import NIOCore

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
        var buffer = channel.allocator.buffer(capacity: 256 + bytes.count)
        ResponseEncoder.writeHead(status: response.status, fields: response.headers, into: &buffer)
        buffer.writeBytes(bytes)
        let written = channel.eventLoop.makePromise(of: Void.self)
        written.futureResult.whenComplete { _ in channel.close(promise: nil) }
        channel.writeAndFlush(buffer, promise: written)
        accessLog.record(
            method: "-", path: "-", route: nil, status: 400, duration: .zero, bytes: bytes.count, requestId: requestId, error: nil
        )
    }

    static func says(close value: String?) -> Bool {
        guard let value else { return false }
        return value.split(separator: ",").contains { String($0).trimmingSpaces.lowercased() == "close" }
    }

    /// Writes `response` (its head only for HEAD); closes the connection after it when `close`, or at
    /// once if a streamed body failed (the client must not take a cut body as whole). A body known up
    /// front goes out with its head in one write. The body bytes written, and the error if the stream
    /// failed.
    static func write(_ response: Response, isHead: Bool, channel: any Channel, close: Bool) async -> (bytes: Int, error: (any Error)?) {
        var fields = response.headers
        let status = response.status
        var bytes = 0
        var last: ByteBuffer
        switch response.body {
        case .empty:
            if fields[.contentLength] == nil, status.code != 204, status.code != 304 {
                fields[.contentLength] = "0"
            }
            last = channel.allocator.buffer(capacity: headCapacity)
            ResponseEncoder.writeHead(status: status, fields: fields, into: &last)
        case .bytes(let b):
            fields[.contentLength] = String(b.count)
            last = channel.allocator.buffer(capacity: headCapacity + (isHead ? 0 : b.count))
            ResponseEncoder.writeHead(status: status, fields: fields, into: &last)
            if !isHead {
                last.writeBytes(b)
                bytes = b.count
            }
        case .stream where isHead, .producer where isHead:
            last = channel.allocator.buffer(capacity: headCapacity)
            ResponseEncoder.writeHead(status: status, fields: fields, into: &last)
        case .stream, .producer:
            let chunked = fields[.contentLength] == nil
            if chunked { fields[.transferEncoding] = "chunked" }
            var head = channel.allocator.buffer(capacity: headCapacity)
            ResponseEncoder.writeHead(status: status, fields: fields, into: &head)
            channel.writeAndFlush(head, promise: nil)
            do {
                bytes = try await StreamPump.pump(response.body.stream!, channel: channel) { chunk in
                    var buffer = channel.allocator.buffer(capacity: chunk.count + 16)
                    if chunked { ResponseEncoder.writeChunk(chunk, into: &buffer) } else { buffer.writeBytes(chunk) }
                    try await channel.writeAndFlush(buffer)
                    return chunk.count
                }
            } catch {
                channel.close(promise: nil)
                return (bytes, error)
            }
            last = channel.allocator.buffer(capacity: 8)
            if chunked { ResponseEncoder.writeLastChunk(into: &last) }
        }
        if close {
            let written = channel.eventLoop.makePromise(of: Void.self)
            written.futureResult.whenComplete { _ in channel.close(promise: nil) }
            channel.writeAndFlush(last, promise: written)
        } else {
            channel.writeAndFlush(last, promise: nil)
        }
        return (bytes, nil)
    }

    /// Room reserved for a response head: status line and a handful of fields.
    static let headCapacity = 512
}

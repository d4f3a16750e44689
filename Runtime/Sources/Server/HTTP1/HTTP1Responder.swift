import EdgeRuntime
import HTTPTypes
import NIOCore
import Supervisor
#if canImport(Glibc)
import Glibc
#endif

/// Turns one parsed request into an ``EdgeApplication`` call and its response into channel writes,
/// then logs it. Runs on the connection's task (see ``ConnectionTask``).
struct HTTP1Responder: Sendable {
    let app: EdgeApplication
    let accessLog: AccessLog
    /// Where a worker records the requests it serves for its supervisor (nil outside a worker).
    let inFlight: InFlightTable? = InFlightTable.current

    /// Serves one request on the connection's task (``ConnectionTask``). `ended` is called once the
    /// response's last write has been issued, saying whether the connection closes after it.
    nonisolated(nonsending) func serve(_ head: RequestHead, framing: RequestFraming, body source: RequestBodySource?, peer: SocketAddress?, channel: any Channel, executor: LoopTaskExecutor, ended: @Sendable (Bool) -> Void) async {
        let start = ContinuousClock.now
        let (request, requestId) = makeRequest(head, body: source, peer: peer)
        let path = request.path
        // Visible to the supervisor if this worker dies while serving it (a trap names its request).
        let slot = inFlight?.begin(requestId: requestId, method: head.method.rawValue, path: path)
        let outcome = await app.respond(to: request, requestId: requestId, placement: .currentTask)
        var framing = framing
        if outcome.closeConnection { framing.keepAlive = false }
        let written = await Self.write(outcome.response, isHead: head.method == .head, framing: &framing, channel: channel, executor: executor)
        if let slot { inFlight?.end(slot) }
        ended(!framing.keepAlive || written.error != nil)
        finish(head, path: path, outcome: outcome, requestId: requestId, start: start, bytesIn: source?.receivedBytes ?? 0, written: written)
    }

    /// The handler's view of a request head: out of line, so its values stay off the connection task's async
    /// frames (an async function's frame holds every local of the function, not only those kept across an
    /// `await`).
    @inline(never)
    private func makeRequest(_ head: RequestHead, body source: RequestBodySource?, peer: SocketAddress?) -> (Request, requestId: String) {
        let requestId = RequestID.accept(head.headerFields[.requestId])
        let target = head.path
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
        var onLimit: (@Sendable (Int) -> Void)?
        if let source { onLimit = { source.setLimit($0) } }
        var request = Request(
            method: head.method, path: path, rawQuery: query, headers: head.headerFields, host: head.authority,
            body: RequestBody(stream: stream, declaredLength: declared, onLimit: onLimit)
        )
        if app.trustProxy, let forwarded = head.headerFields[.forwardedFor].flatMap(Self.firstForwardedAddress) {
            request.clientAddress = forwarded
        } else {
            request.clientAddressSource = .deferred { EdgeServer.ipString(peer) }
        }
        return (request, requestId)
    }

    /// The request's metrics and access log line, once its response is written.
    @inline(never)
    private func finish(_ head: RequestHead, path: String, outcome: borrowing EdgeApplication.Outcome, requestId: String, start: ContinuousClock.Instant, bytesIn: Int, written: (bytes: Int, error: (any Error)?)) {
        let duration = ContinuousClock.now - start
        let status = outcome.response.status.code
        app.recordEnd(outcome, status: status, nanoseconds: duration.nanoseconds, bytesIn: bytesIn, bytesOut: written.bytes)
        guard accessLog.enabled else { return }
        accessLog.record(
            method: head.method.rawValue, path: path, route: outcome.route, status: Int(status),
            duration: duration, bytes: written.bytes, requestId: requestId,
            traceId: outcome.trace ?? TraceParent.traceId(head.headerFields[Self.traceparent]), error: written.error,
            app: outcome.app, fields: outcome.logFields
        )
    }

    /// Answers a request NIO could not parse: 400 in the error envelope, then the connection closes.
    func rejectMalformed(channel: any Channel, message: String = "The request is not valid HTTP/1.1", headTooLarge: Bool = false) {
        let requestId = RequestID.accept(nil)
        let error = headTooLarge
            ? HTTPError(.init(code: 431, reasonPhrase: "Request Header Fields Too Large"), code: "headers_too_large", message: message)
            : HTTPError(.badRequest, code: "malformed_request", message: message)
        var response = error.response(requestId: requestId)
        response.headers[.requestId] = requestId
        guard case .bytes(let body) = response.body else { return }
        var framing = RequestFraming.closing
        let bytes = Self.writeWhole(response, body: body, isHead: false, framing: &framing, channel: channel)
        accessLog.record(
            method: "-", path: "-", route: nil, status: response.status.code, duration: .zero, bytes: bytes, requestId: requestId, error: nil
        )
    }

    /// W3C Trace Context's header; its trace id goes in the access log line.
    static let traceparent = HTTPField.Name("traceparent")!

    static func says(close value: String?) -> Bool {
        guard let value else { return false }
        return value.split(separator: ",").contains { String($0).trimmingSpaces.lowercased() == "close" }
    }

    /// Writes `response` and closes the connection after it unless `framing` keeps it alive (it no longer
    /// does when the response's own `connection` field says `close`, or a streamed body has no other end).
    /// HEAD, 1xx, 204 and 304 get the head only. A streamed body is chunked unless the handler gave its
    /// `content-length` or the client speaks HTTP/1.0 (then the connection's end delimits it). A stream
    /// that fails, or that breaks its `content-length`, closes the connection at once, so the client never
    /// takes a cut body as whole. The body bytes written, and the error if the stream failed.
    nonisolated(nonsending) static func write(_ response: Response, isHead: Bool, framing: inout RequestFraming, channel: any Channel, executor: LoopTaskExecutor) async -> (bytes: Int, error: (any Error)?) {
        switch response.body {
        case .empty:
            return (writeWhole(response, body: [], isHead: isHead, framing: &framing, channel: channel), nil)
        case .bytes(let body):
            return (writeWhole(response, body: body, isHead: isHead, framing: &framing, channel: channel), nil)
        case .stream, .producer:
            return await writeStream(response, isHead: isHead, framing: &framing, channel: channel, executor: executor)
        }
    }

    /// A response whose body is known up front: head and body in one write. The body bytes written.
    static func writeWhole(_ response: Response, body: [UInt8], isHead: Bool, framing: inout RequestFraming, channel: any Channel) -> Int {
        let code = response.status.code
        let scan = ResponseEncoder.scan(status: response.status, fields: response.headers)
        if scan.close { framing.keepAlive = false }
        // Framing is ours to decide: a handler's own transfer-encoding (say, copied from an upstream) goes.
        var head = ResponseEncoder.Framing()
        if code >= 200, code != 204, !(code == 304 && body.isEmpty) {
            head.contentLength = body.count
        } else if code < 200 || code == 204 {
            head.dropContentLength = true
        }
        head.connection = connectionField(framing)
        let headOnly = isHead || isBodiless(code)
        var buffer = channel.allocator.buffer(capacity: headCapacity + (headOnly ? 0 : body.count))
        ResponseEncoder.writeHead(status: response.status, fields: response.headers, scan: scan, framing: head, into: &buffer)
        if !headOnly { buffer.writeBytes(body) }
        end(with: buffer, framing: framing, channel: channel)
        return headOnly ? 0 : body.count
    }

    /// A streamed response: the head, then each chunk as it comes (back-pressure only when the socket
    /// backs up), then the end.
    static func writeStream(_ response: Response, isHead: Bool, framing: inout RequestFraming, channel: any Channel, executor: LoopTaskExecutor) async -> (bytes: Int, error: (any Error)?) {
        let scan = ResponseEncoder.scan(status: response.status, fields: response.headers)
        if scan.close { framing.keepAlive = false }
        var head = ResponseEncoder.Framing()
        let headOnly = isHead || isBodiless(response.status.code)
        let declared = scan.contentLength.flatMap { Int($0) }
        if declared == nil, !headOnly {
            if framing.canChunk { head.chunked = true } else { framing.keepAlive = false }
        }
        head.connection = connectionField(framing)
        var headBuffer = channel.allocator.buffer(capacity: headCapacity)
        ResponseEncoder.writeHead(status: response.status, fields: response.headers, scan: scan, framing: head, into: &headBuffer)
        if headOnly {
            end(with: headBuffer, framing: framing, channel: channel)
            return (0, nil)
        }
        channel.writeAndFlush(headBuffer, promise: nil)
        channel.pipeline.fireUserInboundEventTriggered(StreamingResponseStarted())
        let chunked = head.chunked
        var sent = 0
        do {
            _ = try await StreamPump.pump(response.body.stream!, channel: channel, executor: executor) { chunk in
                if let declared, sent + chunk.count > declared { throw ContentLengthMismatch() }
                var buffer = channel.allocator.buffer(capacity: chunk.count + 16)
                if chunked { ResponseEncoder.writeChunk(chunk, into: &buffer) } else { buffer.writeBytes(chunk) }
                // Waiting for every chunk's write would cost a loop round trip per chunk.
                if channel.isWritable {
                    channel.writeAndFlush(buffer, promise: nil)
                } else {
                    try await channel.writeAndFlush(buffer)
                }
                sent += chunk.count
                return chunk.count
            }
            if let declared, sent != declared { throw ContentLengthMismatch() }
        } catch {
            channel.close(promise: nil)
            return (sent, error)
        }
        var last = channel.allocator.buffer(capacity: 8)
        if chunked { ResponseEncoder.writeLastChunk(into: &last) }
        end(with: last, framing: framing, channel: channel)
        return (sent, nil)
    }

    /// HTTP says these statuses have no body, whatever their headers say.
    static func isBodiless(_ code: Int) -> Bool { code < 200 || code == 204 || code == 304 }

    /// The response's last write; the connection closes once it is out unless `framing` keeps it alive.
    ///
    /// Closing is lingering, as nginx's: our side is shut (the client reads the response, then EOF),
    /// what the client still sends is read and dropped, and the socket closes when the client closes its
    /// side or after ``EdgeLimits/closeLingerMs``. Closing at once with unread input (a 413 before an
    /// upload, a 400 for a huge head) makes the kernel reset the connection, and a reset can destroy the
    /// response before the client has read it.
    private static func end(with last: ByteBuffer, framing: RequestFraming, channel: any Channel) {
        if framing.keepAlive {
            channel.writeAndFlush(last, promise: nil)
        } else {
            let written = channel.eventLoop.makePromise(of: Void.self)
            written.futureResult.whenComplete { result in
                guard case .success = result else { return channel.close(promise: nil) }
                lingeringClose(channel)
            }
            channel.writeAndFlush(last, promise: written)
        }
    }

    /// Shuts our side of `channel` and closes it when the client closes its side (the connection's
    /// handler does, on `inputClosed`) or after ``EdgeLimits/closeLingerMs``.
    static func lingeringClose(_ channel: any Channel) {
        let linger = channel.eventLoop.scheduleTask(in: .milliseconds(Int64(EdgeLimits.closeLingerMs))) {
            channel.close(promise: nil)
        }
        channel.closeFuture.whenComplete { _ in linger.cancel() }
        channel.close(mode: .output).whenComplete { result in
            switch result {
            case .success: channel.pipeline.fireUserInboundEventTriggered(OutputShut())
            case .failure: channel.close(promise: nil)
            }
        }
    }

    /// `connection: close` when the connection ends after this response; `keep-alive` for an HTTP/1.0
    /// client that asked to keep it (1.0 closes by default); otherwise the response's own, if any.
    private static func connectionField(_ framing: RequestFraming) -> StaticString? {
        if !framing.keepAlive { return "close" }
        if !framing.canChunk { return "keep-alive" }
        return nil
    }

    /// A streamed body longer or shorter than the `content-length` its handler declared.
    struct ContentLengthMismatch: Error {}

    /// Room reserved for a response head: status line and a handful of fields.
    static let headCapacity = 512
}

extension HTTP1Responder {
    /// The first `x-forwarded-for` hop when it is an IPv4 or IPv6 address (as a proxy writes it), else
    /// nil: the TCP peer is used then. Anything else there is a client's forgery or a broken proxy, and
    /// would reach apps that key rate limits on the address.
    static func firstForwardedAddress(_ value: String) -> String? {
        guard let first = value.split(separator: ",", omittingEmptySubsequences: false).first else { return nil }
        let hop = String(first).trimmingSpaces
        guard !hop.isEmpty, hop.utf8.count <= 45 else { return nil }
        var v4 = in_addr(), v6 = in6_addr()
        if inet_pton(AF_INET, hop, &v4) == 1 || inet_pton(AF_INET6, hop, &v6) == 1 { return hop }
        return nil
    }
}

/// Fired when a lingering close has shut our side of the connection: the client's end of input closes it.
struct OutputShut {}

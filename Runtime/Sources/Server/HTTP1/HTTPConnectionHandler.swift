import EdgeRuntime
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1

/// One HTTP/1.1 connection, right after NIO's request parser. Each request runs on a task of its own that
/// prefers this channel's event loop as its executor (``LoopTaskExecutor``), and writes its response from
/// there, framed by ``ResponseEncoder``, straight to the channel.
///
/// Requests on one connection are answered in order: the parts of a pipelined request wait here until the
/// response in flight has ended. (NIO's pipelining handler would do that too, but it withholds every
/// `read` while a response is pending, which cost two `epoll_ctl` calls per request.) Everything here
/// runs on the channel's event loop.
///
/// One timer per connection enforces ``ConnectionLimits``' timeouts (`+Timeouts.swift`).
final class HTTPConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// What a handler still reading the body sees once its response has ended.
    struct BodyAbandoned: Error {}

    private let responder: HTTP1Responder
    let limits: ConnectionTimeouts
    private var executor: LoopTaskExecutor?
    /// Tells this handler that a response has ended (and whether the connection closes); built once.
    private var ended: (@Sendable (_ closing: Bool) -> Void)?
    /// Serves the connection's requests in order.
    private var task: ConnectionTask?

    /// A request is between its head and its response's end.
    var busy = false
    /// The parts being delivered belong to a message whose end has not arrived yet.
    var inMessage = false
    /// The body of the request in flight, until its last part arrived or its response ended.
    var body: RequestBodySource?
    /// Parts that arrived while a request was in flight, delivered once it has been answered.
    var queued: [HTTPServerRequestPart] = []
    static let maxQueuedParts = 48

    /// Reads stop while the body's unread chunks pass the high-water mark, or while too many pipelined
    /// parts wait; a `read` that came in meanwhile is held until both are clear.
    var bodyPaused = false
    private var readHeld = false
    private var readsPaused: Bool { bodyPaused || queued.count >= Self.maxQueuedParts }

    /// Close once the response in flight has ended (graceful shutdown, a parse error mid-stream).
    var closeWhenDone = false
    /// The client closed its side: answer what arrived complete, then close.
    private var inputClosed = false
    /// The response in flight is a stream whose head has been written (``StreamingResponseStarted``).
    private var streaming = false
    /// Our side is shut after a closing response (``OutputShut``): the client's end of input closes.
    private var outputShut = false
    /// The connection is closing: nothing more is delivered.
    var closing = false
    /// Whether a request head has arrived on this connection (a new connection told to quiesce still
    /// gets its first request answered: its client may have sent it already).
    private var sawRequest = false
    /// Request heads received so far: the request in flight is number `headsReceived - 1`, as
    /// ``ChunkSizeWatch`` numbers them.
    private var headsReceived = 0
    /// Chunk sizes announced for a pipelined request whose head is still queued.
    private var pendingAnnouncement: ChunkSizesAnnounced?

    // Timeouts (see `+Timeouts.swift`).
    /// When the last response ended (the keep-alive idle time counts from here).
    var lastActivity = NIODeadline.now()
    /// When the head being waited for started: the connection's start, then the first bytes after a
    /// response. nil while no head is pending.
    var headStarted: NIODeadline?
    /// When the last body part of the request being read arrived.
    var lastBodyPart = NIODeadline.now()
    /// Since when the socket has refused more bytes (nil while writable).
    var unwritableSince: NIODeadline?
    var timer: Scheduled<Void>?
    var timerDeadline: NIODeadline?

    init(responder: HTTP1Responder, limits: ConnectionLimits = ConnectionLimits()) {
        self.responder = responder
        self.limits = ConnectionTimeouts(limits)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        executor = LoopTaskExecutor(context.eventLoop)
        let loop = context.eventLoop
        let bound = NIOLoopBound((self, context), eventLoop: loop)
        ended = { closing in
            if loop.inEventLoop {
                bound.value.0.responseEnded(closing: closing, context: bound.value.1)
            } else {
                loop.execute { bound.value.0.responseEnded(closing: closing, context: bound.value.1) }
            }
        }
        task = ConnectionTask(responder: responder, channel: context.channel, executor: executor!, ended: ended!)
        if context.channel.isActive { connectionStarted(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        ended = nil
        task?.close()
        task = nil
        cancelTimer()
    }

    func channelActive(context: ChannelHandlerContext) {
        if headStarted == nil, !busy { connectionStarted(context: context) }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        closing = true
        task?.close()
        queued.removeAll()
        cancelTimer()
        body?.finish(ClientGone())
        body = nil
        context.fireChannelInactive()
    }

    // MARK: Requests in

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        let part = unwrapInboundIn(data)
        if queued.isEmpty, !(busy && part.isHead) {
            receive(part, context: context)
        } else {
            queued.append(part)
        }
    }

    /// Delivers queued parts in order, up to the next request's head while one is in flight.
    private func deliverQueued(context: ChannelHandlerContext) {
        while !closing, let part = queued.first, !(busy && part.isHead) {
            queued.removeFirst()
            receive(part, context: context)
        }
    }

    private func receive(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        switch part {
        case .head(let nioHead):
            busy = true
            inMessage = true
            sawRequest = true
            headStarted = nil
            headsReceived += 1
            guard let head = try? RequestHeadConversion.request(nioHead) else {
                // Not representable as an HTTP request (a method or target swift-http-types refuses).
                reject(context: context)
                return
            }
            if let problem = Self.framingProblem(nioHead) {
                reject(context: context, message: problem)
                return
            }
            let source = Self.mayHaveBody(head) ? makeBodySource(head, context: context) : nil
            body = source
            if let pending = pendingAnnouncement, pending.message == headsReceived - 1 {
                source?.announce(pending.total)
                pendingAnnouncement = nil
            }
            if source != nil {
                lastBodyPart = .now()
                armTimer(context: context)
            }
            // The peer is read now: NIO forgets it once the channel closes.
            let peer = responder.app.trustProxy ? nil : context.channel.remoteAddress
            task?.submit(ConnectionTask.Work(head: head, framing: RequestFraming(nioHead), body: source, peer: peer))
        case .body(let buffer):
            // Parts of a request whose response already ended are dropped.
            lastBodyPart = .now()
            guard let body else { return }
            if body.push(Array(buffer: buffer)) { bodyPaused = true }
        case .end:
            inMessage = false
            body?.finish()
            body = nil
            bodyPaused = false
        }
    }

    // MARK: Responses out

    /// The response in flight has been written to its end (called by ``HTTP1Responder`` on this loop).
    private func responseEnded(closing responseCloses: Bool, context: ChannelHandlerContext) {
        busy = false
        streaming = false
        lastActivity = .now()
        headStarted = nil
        // A body the handler left unread is drained and dropped from here on.
        if let body {
            body.finish(BodyAbandoned())
            self.body = nil
            bodyPaused = false
        }
        if responseCloses || closeWhenDone {
            // The responder closes the channel after the response's last write.
            closing = true
            queued.removeAll()
            if !responseCloses { context.close(promise: nil) }
            return
        }
        deliverQueued(context: context)
        if inputClosed, !busy {
            closing = true
            context.close(promise: nil)
            return
        }
        resumeReadsIfClear(context: context)
    }

    // MARK: Connection events

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            // Graceful shutdown: an idle connection closes now, a busy one after its response. A connection
            // that has not sent its first request yet gets a moment to (it was accepted to be served), then
            // is answered and closed, or closed if nothing comes.
            if busy {
                queued.removeAll()
                closeWhenDone = true
            } else if !sawRequest {
                closeWhenDone = true
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                context.eventLoop.scheduleTask(in: .milliseconds(EdgeLimits.quiesceFirstRequestGraceMs)) {
                    let (handler, context) = bound.value
                    if !handler.sawRequest, !handler.closing { handler.closing = true; context.close(promise: nil) }
                }
            } else {
                queued.removeAll()
                closing = true
                context.close(promise: nil)
            }
            return
        }
        if event is OutputShut {
            outputShut = true
            if inputClosed { context.close(promise: nil) }
            return
        }
        if event is StreamingResponseStarted {
            streaming = busy
            return
        }
        if let announced = event as? ChunkSizesAnnounced {
            // A chunk header's size counts against the body's limit when it arrives, not once read.
            if announced.message == headsReceived - 1 {
                body?.announce(announced.total)
            } else if announced.message >= headsReceived {
                pendingAnnouncement = announced
            }
            return
        }
        if case ChannelEvent.inputClosed = event {
            if outputShut { context.close(promise: nil); return }
            // A client that ends its input while a stream is being sent to it has left (a half-closed
            // client waits for a response, not for a stream that may run for minutes; nginx and Deno read
            // it the same way): close now, which cancels the stream's producer even while it is silent.
            if busy, streaming, !inMessage {
                closing = true
                queued.removeAll()
                context.close(promise: nil)
                return
            }
            // The client sent all it will send: the requests that arrived whole are answered, then close.
            inputClosed = true
            if inMessage {
                body?.finish(ClientGone())
                body = nil
            }
            if !busy, queued.isEmpty { closing = true; context.close(promise: nil) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard !closing else { return }
        // Bytes NIO could not parse. Between messages: 400 in the envelope, then close (the rest of the
        // stream can't be framed). Inside a message or with a response under way: that request's body
        // fails, its response (if any) is finished, and the connection closes after it.
        if let parserError = error as? HTTPParserError, !busy, !inMessage, queued.isEmpty {
            busy = true
            reject(context: context, message: Self.describe(error), headTooLarge: parserError == .headerOverflow)
            return
        }
        // The handler reading the body learns why it broke: bad framing is the client's fault (400), not
        // the function's (which would be a 500 and a "function threw" in the log).
        body?.finish(error is HTTPParserError ? Self.invalidBody(error) : error)
        body = nil
        queued.removeAll()
        if busy { closeWhenDone = true } else { closing = true; context.close(promise: nil) }
    }

    private func reject(context: ChannelHandlerContext, message: String = "The request is not valid HTTP/1.1", headTooLarge: Bool = false) {
        closing = true
        queued.removeAll()
        responder.rejectMalformed(channel: context.channel, message: message, headTooLarge: headTooLarge)
    }

    // MARK: Body back-pressure

    func read(context: ChannelHandlerContext) {
        if readsPaused {
            readHeld = true
            return
        }
        context.read()
    }

    private func makeBodySource(_ head: RequestHead, context: ChannelHandlerContext) -> RequestBodySource {
        let loop = context.eventLoop
        let bound = NIOLoopBound((self, context), eventLoop: loop)
        let channel = context.channel
        // `expect: 100-continue`: the interim response goes out when the handler starts reading, so a
        // request refused before that (413, 401...) never makes the client send its body.
        let onFirstRead: (@Sendable () -> Void)? = Self.expectsContinue(head) ? { @Sendable in
            var buffer = channel.allocator.buffer(capacity: 32)
            ResponseEncoder.writeHead(status: .continue, fields: [:], into: &buffer)
            channel.writeAndFlush(buffer, promise: nil)
        } : nil
        return RequestBodySource(onFirstRead: onFirstRead, resumeReading: { source in
            loop.execute {
                let (handler, context) = bound.value
                guard source === handler.body else { return }
                handler.bodyPaused = false
                handler.resumeReadsIfClear(context: context)
            }
        })
    }

    private func resumeReadsIfClear(context: ChannelHandlerContext) {
        if readHeld, !readsPaused {
            readHeld = false
            context.read()
        }
    }

    /// True unless the head says there is no body (no `content-length` above 0, no `transfer-encoding`).
    static func mayHaveBody(_ head: RequestHead) -> Bool {
        if head.headerFields[.transferEncoding] != nil { return true }
        guard let length = head.headerFields[.contentLength] else { return false }
        return length != "0"
    }

    static func expectsContinue(_ head: RequestHead) -> Bool {
        head.headerFields[.expect]?.lowercased() == "100-continue"
    }
}

/// What the request's HTTP/1 framing says about the response: whether the connection may stay open
/// after it, and whether the client can read a chunked body.
struct RequestFraming: Sendable {
    var keepAlive: Bool
    var canChunk: Bool

    init(_ head: HTTPRequestHead) {
        // After an upgrade request or CONNECT, NIO's parser stops reading the stream: close after answering.
        let upgrade = head.method == .CONNECT || head.headers.contains(name: "upgrade")
        keepAlive = head.isKeepAlive && !upgrade
        canChunk = head.version.major == 1 && head.version.minor >= 1
    }

    init(keepAlive: Bool, canChunk: Bool) {
        self.keepAlive = keepAlive
        self.canChunk = canChunk
    }

    /// An HTTP/1.1 response after which the connection closes.
    static let closing = RequestFraming(keepAlive: false, canChunk: true)
}

/// The client closed the connection: what a body still being read, or a streamed response still being
/// written, fails with.
///
/// Not a server error: a handler that lets it through answers (to nobody) 499 `client_closed_request`,
/// nginx's status for it, which the access log records and nothing logs as the function failing.
struct ClientGone: Error, HTTPErrorConvertible {
    var httpError: HTTPError {
        HTTPError(.init(code: 499, reasonPhrase: "Client Closed Request"), code: "client_closed_request", message: "The client closed the connection")
    }
}

extension HTTPServerRequestPart {
    fileprivate var isHead: Bool {
        if case .head = self { return true }
        return false
    }
}

/// Fired by ``HTTP1Responder`` when it has written the head of a streamed response.
struct StreamingResponseStarted {}

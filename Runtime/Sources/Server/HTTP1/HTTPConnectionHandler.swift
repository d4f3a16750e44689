import EdgeRuntime
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1

/// One HTTP/1.1 connection, last in its pipeline (NIO's parser and encoder, then the NIOHTTPTypes
/// codec). Each request runs on a task of its own that prefers this channel's event loop as
/// its executor (``LoopTaskExecutor``), and writes its response from there through the channel.
///
/// Requests on one connection are answered in order: a pipelined request waits here until the response
/// in flight has ended. (NIO's pipelining handler would do that too, but it withholds every `read` while
/// a response is pending, which cost two `epoll_ctl` calls per request.) Everything here runs on the
/// channel's event loop.
final class HTTPConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    struct ClientGone: Error {}

    private let responder: HTTP1Responder
    private var executor: LoopTaskExecutor?
    /// Tells this handler that a response has ended; built once per connection.
    private var ended: (@Sendable () -> Void)?
    /// The body of the request in flight, until its last part arrived or its response ended.
    private var body: RequestBodySource?
    /// Reads stop while the body's unread chunks pass the high-water mark; a `read` that came in
    /// meanwhile is held until the handler has caught up.
    private var readsPaused = false
    private var readHeld = false
    /// Between a request's head and its response's end.
    private var busy = false
    /// Parts of pipelined requests that arrived while one was in flight (HTTP/1.1 answers in order).
    private var queued: [HTTPServerRequestPart] = []
    static let maxQueuedParts = 48
    /// The client closed its side: close ours once the response in flight has ended.
    private var closeWhenDone = false
    private var lastActivity = NIODeadline.now()
    private var idleCheck: Scheduled<Void>?

    init(responder: HTTP1Responder) {
        self.responder = responder
    }

    func handlerAdded(context: ChannelHandlerContext) {
        executor = LoopTaskExecutor(context.eventLoop)
        let loop = context.eventLoop
        let bound = NIOLoopBound((self, context), eventLoop: loop)
        ended = {
            if loop.inEventLoop {
                bound.value.0.responseEnded(context: bound.value.1)
            } else {
                loop.execute { bound.value.0.responseEnded(context: bound.value.1) }
            }
        }
        if context.channel.isActive { scheduleIdleCheck(context: context, in: .seconds(Int64(EdgeLimits.keepAliveIdleTimeout))) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        ended = nil
        idleCheck?.cancel()
        idleCheck = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        if idleCheck == nil { scheduleIdleCheck(context: context, in: .seconds(Int64(EdgeLimits.keepAliveIdleTimeout))) }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        idleCheck?.cancel()
        idleCheck = nil
        body?.finish(ClientGone())
        body = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if busy, case .head = part { queued.append(part) } else if !queued.isEmpty { queued.append(part) } else {
            receive(part, context: context)
            return
        }
        // Pipelined requests wait for the response in flight; past a few, stop reading until it ends.
        if queued.count >= HTTPConnectionHandler.maxQueuedParts { readsPaused = true }
    }

    private func receive(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        switch part {
        case .head(let nioHead):
            busy = true
            guard let head = try? HTTPRequest(nioHead, secure: false, splitCookie: false) else {
                // Not representable as an HTTP request (a method or target swift-http-types refuses).
                closeWhenDone = true
                responder.rejectMalformed(channel: context.channel)
                return
            }
            let source = Self.mayHaveBody(head) ? makeBodySource(context: context) : nil
            body = source
            responder.start(head, body: source, channel: context.channel, executor: executor!, ended: ended!)
        case .body(let buffer):
            // Parts of a request whose response already ended are dropped.
            guard let body else { return }
            if body.push(Array(buffer: buffer)) { readsPaused = true }
        case .end:
            body?.finish()
            body = nil
        }
    }

    /// After a response ended: the requests that arrived meanwhile, in order, until one is in flight.
    private func receiveQueued(context: ChannelHandlerContext) {
        while !busy, !queued.isEmpty {
            receive(queued.removeFirst(), context: context)
        }
        if queued.count < HTTPConnectionHandler.maxQueuedParts, body == nil { resumeReads(context: context) }
    }

    func read(context: ChannelHandlerContext) {
        if readsPaused {
            readHeld = true
            return
        }
        context.read()
    }

    /// The response in flight has been written to its end (called by ``HTTP1Responder`` on this loop).
    func responseEnded(context: ChannelHandlerContext) {
        busy = false
        lastActivity = .now()
        // A body the handler left unread is drained and dropped from here on.
        if let body {
            body.finish()
            self.body = nil
            resumeReads(context: context)
        }
        if closeWhenDone {
            context.close(promise: nil)
            return
        }
        if !queued.isEmpty { receiveQueued(context: context) }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            // Graceful shutdown: an idle connection closes now, a busy one after its response.
            queued.removeAll()
            if busy { closeWhenDone = true } else { context.close(promise: nil) }
            return
        }
        if case ChannelEvent.inputClosed = event {
            // The client sent all it will send; answer what is in flight, then close.
            body?.finish(ClientGone())
            body = nil
            if busy { closeWhenDone = true } else { context.close(promise: nil) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A request NIO could not parse (or convert): answer 400 in the envelope unless a response is
        // already under way, then close, since the rest of the stream can't be framed.
        body?.finish(error)
        body = nil
        if !busy, error is HTTPParserError {
            busy = true
            closeWhenDone = true
            responder.rejectMalformed(channel: context.channel)
        } else {
            context.close(promise: nil)
        }
    }

    // MARK: Body backpressure

    private func makeBodySource(context: ChannelHandlerContext) -> RequestBodySource {
        let loop = context.eventLoop
        let bound = NIOLoopBound((self, context), eventLoop: loop)
        return RequestBodySource(resumeReading: {
            loop.execute { bound.value.0.resumeReads(context: bound.value.1) }
        })
    }

    private func resumeReads(context: ChannelHandlerContext) {
        readsPaused = false
        if readHeld {
            readHeld = false
            context.read()
        }
    }

    /// True unless the head says there is no body (no `content-length` above 0, no `transfer-encoding`).
    static func mayHaveBody(_ head: HTTPRequest) -> Bool {
        if head.headerFields[.transferEncoding] != nil { return true }
        guard let length = head.headerFields[.contentLength] else { return false }
        return length != "0"
    }

    // MARK: Keep-alive idle timeout

    /// One timer per connection, pushed back lazily: each check closes a connection idle for
    /// ``EdgeLimits/keepAliveIdleTimeout`` and otherwise re-arms itself for the time left.
    private func scheduleIdleCheck(context: ChannelHandlerContext, in delay: TimeAmount) {
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        idleCheck = context.eventLoop.scheduleTask(in: delay) {
            let (handler, context) = bound.value
            handler.idleCheck = nil
            let timeout = TimeAmount.seconds(Int64(EdgeLimits.keepAliveIdleTimeout))
            if handler.busy {
                handler.scheduleIdleCheck(context: context, in: timeout)
                return
            }
            let idleFor = NIODeadline.now() - handler.lastActivity
            if idleFor >= timeout {
                context.close(promise: nil)
            } else {
                handler.scheduleIdleCheck(context: context, in: timeout - idleFor)
            }
        }
    }
}

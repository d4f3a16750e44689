import EdgeRuntime
import NIOCore

/// The connection's timeouts (``ConnectionLimits``), all on one timer. The timer is re-armed lazily:
/// when it fires it looks at what the connection waits for, acts if that took too long, and otherwise
/// arms itself for the time left. It is moved earlier only when a shorter wait starts (a head's first
/// bytes, a request body, a socket that stopped taking bytes), so a keep-alive request without a
/// body reschedules nothing.
///
/// What each expiry does:
/// - head (``ConnectionLimits/headerRead``) and keep-alive idle: the connection closes;
/// - body (``ConnectionLimits/bodyReadIdle``): the handler's body read fails with 408
///   `request_timeout`, which it answers with (uncaught) before the connection closes; a body being
///   drained after the response closes the connection at once;
/// - write (``ConnectionLimits/write``): the connection closes, which fails the response's pending
///   writes and cancels a streaming handler behind them.
extension HTTPConnectionHandler {
    enum Wait { case head, keepAlive, body, write }

    /// A fresh connection waits for its first head.
    func connectionStarted(context: ChannelHandlerContext) {
        headStarted = .now()
        armTimer(context: context)
    }

    /// What the connection waits for now and until when; nil while a handler computes its response.
    func currentWait() -> (Wait, NIODeadline)? {
        if let since = unwritableSince { return (.write, since + limits.write) }
        if inMessage, !bodyPaused, body != nil || !busy { return (.body, lastBodyPart + limits.bodyReadIdle) }
        if busy || inMessage { return nil }
        if let headStarted { return (.head, headStarted + limits.headerRead) }
        return (.keepAlive, lastActivity + limits.keepAliveIdle)
    }

    /// Arms the timer for the current wait, unless it is armed to fire earlier already.
    func armTimer(context: ChannelHandlerContext) {
        guard !closing, let (_, deadline) = currentWait() else { return }
        if let armed = timerDeadline, armed <= deadline { return }
        schedule(at: deadline, context: context)
    }

    func cancelTimer() {
        timer?.cancel()
        timer = nil
        timerDeadline = nil
    }

    private func schedule(at deadline: NIODeadline, context: ChannelHandlerContext) {
        timer?.cancel()
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timerDeadline = deadline
        timer = context.eventLoop.scheduleTask(deadline: deadline) {
            let (handler, context) = bound.value
            handler.timer = nil
            handler.timerDeadline = nil
            handler.timerFired(context: context)
        }
    }

    private func timerFired(context: ChannelHandlerContext) {
        guard !closing else { return }
        guard let (wait, deadline) = currentWait() else {
            // A handler is computing: check again later (its response's end may start a wait).
            schedule(at: .now() + limits.keepAliveIdle, context: context)
            return
        }
        if deadline > .now() {
            schedule(at: deadline, context: context)
            return
        }
        switch wait {
        case .body where busy && body != nil:
            body?.finish(Self.bodyTimedOut)
            body = nil
            bodyPaused = false
            closeWhenDone = true
            schedule(at: .now() + limits.keepAliveIdle, context: context)
        case .head, .keepAlive, .body, .write:
            closing = true
            queued.removeAll()
            body?.finish(ClientGone())
            body = nil
            context.close(promise: nil)
        }
    }

    /// Bytes arrived: with no request in flight they start a head (its timeout runs from now).
    func channelReadComplete(context: ChannelHandlerContext) {
        if !busy, !inMessage, headStarted == nil, !closing {
            headStarted = .now()
            armTimer(context: context)
        }
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            unwritableSince = nil
        } else if unwritableSince == nil {
            unwritableSince = .now()
            armTimer(context: context)
        }
        context.fireChannelWritabilityChanged()
    }

    /// What a handler reading a body that stopped arriving gets (and answers with, if it does not catch it).
    static let bodyTimedOut = HTTPError(
        .requestTimeout, code: "request_timeout", message: "The request body stopped arriving", headers: [.connection: "close"]
    )
}

import EdgeRuntime
import NIOCore

/// The whole pipeline of a connection over ``ConnectionLimits/maxConnections``: a 503
/// `too_many_connections` with `connection: close`, written at once. The connection then closes its
/// side, reads and drops what the client sends (closing on unread input would reset the connection and
/// could destroy the 503 before the client reads it), and closes when the client does, or after
/// ``linger`` at most.
final class ConnectionRefuser: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    /// The longest a refused connection stays open for the client to read its 503.
    static let linger = TimeAmount.seconds(1)

    func channelActive(context: ChannelHandlerContext) {
        let response = HTTPError(
            .serviceUnavailable, code: "too_many_connections", message: "The server is at its connection limit; retry later",
            headers: [.retryAfter: "1"]
        ).response(requestId: RequestID.accept(nil))
        var fields = response.headers
        fields[.connection] = "close"
        let body: [UInt8]
        if case .bytes(let bytes) = response.body { body = bytes } else { body = [] }
        fields[.contentLength] = String(body.count)
        var buffer = context.channel.allocator.buffer(capacity: HTTP1Responder.headCapacity + body.count)
        ResponseEncoder.writeHead(status: response.status, fields: fields, into: &buffer)
        buffer.writeBytes(body)
        let channel = context.channel
        context.writeAndFlush(NIOAny(buffer)).whenComplete { _ in channel.close(mode: .output, promise: nil) }
        let closeLater = context.eventLoop.scheduleTask(in: Self.linger) { channel.close(promise: nil) }
        channel.closeFuture.whenComplete { _ in closeLater.cancel() }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event { context.close(promise: nil) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

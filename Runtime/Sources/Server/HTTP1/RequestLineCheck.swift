import NIOCore

/// The first bytes of a connection, checked before NIO's request parser sees them, for the two inputs
/// that parser would wait on instead of refusing (it skips line breaks, and takes a line without a
/// version as the start of a request that never completes):
/// - more than ``maxLeadingEmptyLines`` empty lines before the request line (RFC 9112 §2.2 asks a server
///   to ignore at least one);
/// - an HTTP/0.9 request line (`GET /`, no version).
/// Either is answered at once with 400 `malformed_request` and the connection closes, rather than at the
/// header timeout. Once the first request line has been seen whole the handler passes on what it held
/// and removes itself, so keep-alive requests never pass through it.
final class RequestLineCheck: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    static let maxLeadingEmptyLines = 2
    /// A request line still without its end after this many bytes is left to the parser's limits.
    static let maxScanned = 8 * 1024

    private let responder: HTTP1Responder
    private var held: ByteBuffer?
    private var emptyLines = 0
    /// Offsets into `held`: where the line being read starts, and how far it has been scanned.
    private var lineStart = 0
    private var scanned = 0
    private var done = false
    /// The connection was answered 400 here: what else arrives is dropped while it closes.
    private var refused = false

    init(responder: HTTP1Responder) { self.responder = responder }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !done else { return refused ? () : context.fireChannelRead(data) }
        var buffer = unwrapInboundIn(data)
        if var held { held.writeBuffer(&buffer); self.held = held } else { held = buffer }
        guard let bytes = held?.readableBytesView else { return }
        var index = bytes.startIndex + scanned
        while index < bytes.endIndex {
            guard bytes[index] == UInt8(ascii: "\n") else { index += 1; continue }
            let line = bytes[(bytes.startIndex + lineStart)..<index]
            let text = line.last == UInt8(ascii: "\r") ? line.dropLast() : line[...]
            if text.isEmpty {
                emptyLines += 1
                lineStart = index + 1 - bytes.startIndex
                index += 1
                if emptyLines > Self.maxLeadingEmptyLines { return refuse(context, "Empty lines instead of a request line") }
                continue
            }
            if text.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: true).count < 3 {
                return refuse(context, "HTTP/0.9 is not supported: the request line needs a version")
            }
            return pass(context)
        }
        scanned = bytes.count
        if bytes.count - lineStart > Self.maxScanned { pass(context) }
    }

    private func pass(_ context: ChannelHandlerContext) {
        done = true
        if let held { context.fireChannelRead(wrapInboundOut(held)) }
        held = nil
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    private func refuse(_ context: ChannelHandlerContext, _ message: String) {
        done = true
        refused = true
        held = nil
        responder.rejectMalformed(channel: context.channel, message: message)
    }

    func channelInactive(context: ChannelHandlerContext) {
        held = nil
        context.fireChannelInactive()
    }
}

import NIOCore

/// Reads a connection's inbound bytes through a ``ChunkSizeTracker`` on their way to NIO's request
/// parser, unchanged, and tells ``HTTPConnectionHandler`` what each chunk header announced
/// (``ChunkSizesAnnounced``), after the parser has seen the same bytes. Once the tracker stops
/// (framing it does not follow) the bytes pass untouched.
final class ChunkSizeWatch: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private var tracker = ChunkSizeTracker()
    private var announcements: [ChunkSizeTracker.Announcement] = []

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard tracker.state != .stopped else { return context.fireChannelRead(data) }
        let buffer = unwrapInboundIn(data)
        buffer.withUnsafeReadableBytes { tracker.scan($0, into: &announcements) }
        context.fireChannelRead(data)
        guard !announcements.isEmpty else { return }
        // The latest total per message is all the handler needs.
        var last: ChunkSizeTracker.Announcement?
        for a in announcements {
            if let l = last, l.message != a.message { context.fireUserInboundEventTriggered(ChunkSizesAnnounced(l)) }
            last = a
        }
        announcements.removeAll(keepingCapacity: true)
        if let last { context.fireUserInboundEventTriggered(ChunkSizesAnnounced(last)) }
    }
}

/// What the chunk headers of one request's body have announced so far (see ``ChunkSizeWatch``).
struct ChunkSizesAnnounced {
    var message: Int
    var total: Int

    init(_ announcement: ChunkSizeTracker.Announcement) {
        message = announcement.message
        total = announcement.total
    }
}

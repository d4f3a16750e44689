import Glibc
import NIOCore
import NIOHTTP1
import NIOPosix

// NIOHello: SwiftNIO's loop and request parser (HTTPRequestDecoder, as edge configures it), a pre-encoded
// answer written as one buffer: no response encoder, no HTTPTypes, no task. HOST, PORT, LOOPS as EpollHello.
func env(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }
let host = env("HOST") ?? "127.0.0.1"
let loops = max(1, Int(env("LOOPS") ?? "") ?? 1)
signal(SIGTERM) { _ in _exit(0) }

final class Hello: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = ByteBuffer
    private var isHello = false
    private var keepAlive = true
    private var second = -1
    private var answer = ByteBuffer()
    private var notFound = ByteBuffer()

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            isHello = head.method == .GET && head.uri == "/hello"
            keepAlive = head.isKeepAlive
        case .body:
            break
        case .end:
            refresh()
            context.writeAndFlush(wrapOutboundOut(isHello ? answer : notFound), promise: nil)
            if !keepAlive { context.close(promise: nil) }
        }
    }

    private func refresh() {
        let now = time(nil)
        guard now != second else { return }
        second = now
        var t = tm()
        var n = now
        gmtime_r(&n, &t)
        var text = [CChar](repeating: 0, count: 64)
        let length = strftime(&text, 64, "%a, %d %b %Y %H:%M:%S GMT", &t)
        let date = String(decoding: text[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        answer = ByteBuffer(string: "HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 13\r\ndate: \(date)\r\n\r\nHello, world!")
        notFound = ByteBuffer(string: "HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: 21\r\ndate: \(date)\r\n\r\n{\"error\":\"not_found\"}")
    }
}

let group = MultiThreadedEventLoopGroup(numberOfThreads: loops)
let channel = try ServerBootstrap(group: group)
    .serverChannelOption(.backlog, value: 1024)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
    .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(
                ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes, informationalResponseStrategy: .drop)))
            try channel.pipeline.syncOperations.addHandler(Hello())
        }
    }
    .bind(host: host, port: Int(env("PORT") ?? "") ?? 0).wait()
print(#"{"url":"http://\#(host):\#(channel.localAddress!.port!)","loops":\#(loops)}"#)
fflush(nil)
try channel.closeFuture.wait()

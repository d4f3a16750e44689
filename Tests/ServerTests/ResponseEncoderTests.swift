import EdgeRuntime
import EdgeTesting
import NIOCore
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import Server

/// The response head: the response's own fields as given, except the framing fields the server decides
/// (RFC 9112 §6), which it writes last.
@Suite struct ResponseEncoderTests {
    static func head(_ status: HTTPResponse.Status, _ fields: HTTPFields, _ framing: ResponseEncoder.Framing) -> String {
        var buffer = ByteBuffer()
        let scan = ResponseEncoder.scan(status: status, fields: fields)
        ResponseEncoder.writeHead(status: status, fields: fields, scan: scan, framing: framing, into: &buffer)
        #expect(buffer.readableBytes <= scan.size + 80, "the scan bounds the head")
        return String(decoding: buffer.readableBytesView, as: UTF8.self)
    }

    static let own: HTTPFields = [
        .transferEncoding: "gzip", HTTPField.Name("X-A")!: "1", .contentLength: "99", .connection: "keep-alive", .contentType: "text/plain",
    ]

    @Test func theServersFramingReplacesTheResponsesOwn() {
        var framing = ResponseEncoder.Framing()
        framing.contentLength = 12_345
        framing.connection = "close"
        #expect(Self.head(.ok, Self.own, framing)
            == "HTTP/1.1 200 OK\r\nX-A: 1\r\nContent-Type: text/plain\r\nContent-Length: 12345\r\nConnection: close\r\n\r\n")
    }

    @Test func withoutFramingOfItsOwnTheResponsesLengthAndConnectionStay() {
        // Transfer-Encoding never goes out as the handler gave it: the server chunks or it does not.
        #expect(Self.head(.notModified, Self.own, .asGiven)
            == "HTTP/1.1 304 Not Modified\r\nX-A: 1\r\nContent-Length: 99\r\nConnection: keep-alive\r\nContent-Type: text/plain\r\n\r\n")
        var chunked = ResponseEncoder.Framing()
        chunked.chunked = true
        #expect(Self.head(.ok, [.contentType: "text/event-stream"], chunked)
            == "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
    }

    @Test func bodilessStatusesDropTheResponsesLength() {
        var framing = ResponseEncoder.Framing()
        framing.dropContentLength = true
        #expect(Self.head(.noContent, [.contentLength: "3", .cacheControl: "no-store"], framing)
            == "HTTP/1.1 204 No Content\r\nCache-Control: no-store\r\n\r\n")
    }

    @Test func contentLengthDigits() {
        for n in [0, 7, 9, 10, 99, 100, 65_535, 1 << 40] {
            var framing = ResponseEncoder.Framing()
            framing.contentLength = n
            #expect(Self.head(.ok, [:], framing) == "HTTP/1.1 200 OK\r\nContent-Length: \(n)\r\n\r\n")
        }
    }

    @Test func theScanReadsConnectionAndContentLength() {
        var fields: HTTPFields = [.connection: "keep-alive"]
        #expect(!ResponseEncoder.scan(status: .ok, fields: fields).close)
        fields.append(HTTPField(name: .connection, value: "Upgrade, CLOSE"))
        #expect(ResponseEncoder.scan(status: .ok, fields: fields).close)
        fields.append(HTTPField(name: .contentLength, value: "5"))
        fields.append(HTTPField(name: .contentLength, value: "5"))
        #expect(ResponseEncoder.scan(status: .ok, fields: fields).contentLength == "5, 5")
    }

    /// A handler's own framing fields on a whole body.
    struct OwnFraming: EdgeFunction {
        func handle(_ request: Request, context: Context) async throws -> Response {
            var r = Response.text("hello")
            r.headers[.transferEncoding] = "chunked"
            r.headers[.contentLength] = "1000"
            if request.rawQuery == "close" { r.headers[.connection] = "close" }
            return r
        }
    }

    @Test func aHandlersFramingFieldsOnTheWire() async throws {
        let routes = [RouteDescriptor("/own", file: "Functions/own/Own.swift", OwnFraming.self)]
        try await ServerSocketTests.serving(routes, config: "{}") { port in
            try await ServerSocketTests.onOwnThread {
                let fd = try RawHTTP.connect(port: port)
                defer { close(fd) }
                try RawHTTP.send(fd, Array("GET /own HTTP/1.1\r\nHost: t\r\n\r\n".utf8))
                let kept = try RawHTTP.read(fd)
                #expect(kept.status == 200 && kept.text == "hello")
                #expect(kept.header("content-length") == "5")
                #expect(kept.header("transfer-encoding") == nil)
                #expect(kept.header("connection") == nil)
                try RawHTTP.send(fd, Array("GET /own?close HTTP/1.1\r\nHost: t\r\n\r\n".utf8))
                let closing = try RawHTTP.read(fd)
                #expect(closing.text == "hello")
                #expect(closing.header("connection") == "close")
                var byte: UInt8 = 0
                #expect(recv(fd, &byte, 1, 0) == 0, "the server closes after a response that says close")
            }
        }
    }
}

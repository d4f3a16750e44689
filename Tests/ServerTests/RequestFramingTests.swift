import EdgeRuntime
import EdgeTesting
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import Server

/// Hostile request framing on a real socket: each gets a 4xx in the envelope or a clean close, at once,
/// and never a 500 logged as the function's failure.
@Suite(.serialized) struct RequestFramingTests {
    /// Sends `bytes` on a fresh connection; the response, or nil if the server closed without one.
    /// Either must come within 2 s.
    static func answer(_ port: Int, _ bytes: String) throws -> RawHTTP.Response? {
        let fd = try RawHTTP.connect(port: port, timeoutSeconds: 2)
        defer { close(fd) }
        try RawHTTP.send(fd, Array(bytes.utf8))
        let start = ContinuousClock.now
        do {
            return try RawHTTP.read(fd)
        } catch {
            #expect(ContinuousClock.now - start < .milliseconds(1900), "no answer and no close for \(bytes.debugDescription)")
            return nil
        }
    }

    static func serving(log: CapturedLog = CapturedLog(), limits: ConnectionLimits = ConnectionLimits(),
                        _ body: @escaping @Sendable (Int) throws -> Void) async throws {
        try await ServerSocketTests.serving(ServerSocketTests.engineRoutes + ConnectionTimeoutTests.hygieneRoutes, config: "{}",
                                            limits: limits, logger: log.logger) { port in
            try await RawHTTP.onOwnThread { try body(port) }
        }
    }

    @Test func transferCodingsOtherThanChunkedAre400() async throws {
        let log = CapturedLog()
        try await Self.serving(log: log) { port in
            for coding in ["gzip", "identity", "x-unknown", "gzip, chunked", "chunked, chunked"] {
                let r = try Self.answer(port, "POST /collect HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: \(coding)\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
                #expect(r?.status == 400, "Transfer-Encoding: \(coding) -> \(r?.status ?? 0) \(r?.text ?? "")")
                #expect(r?.text.contains(#""code":"malformed_request""#) == true)
            }
        }
        #expect(!log.messages.contains { $0.contains("function") }, "\(log.messages)")
    }

    @Test func brokenChunkSizesAre400() async throws {
        let log = CapturedLog()
        try await Self.serving(log: log) { port in
            for size in ["zz", "-1", String(repeating: "f", count: 18) /* 2^72 - 1 */, "1" + String(repeating: "0", count: 18)] {
                let r = try Self.answer(port, "POST /collect HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n\(size)\r\nhello\r\n0\r\n\r\n")
                if let r {
                    #expect(r.status == 400, "chunk size \(size) -> \(r.status) \(r.text)")
                    #expect(r.text.contains(#""code":"invalid_body""#) || r.text.contains(#""code":"malformed_request""#))
                }
            }
            // And mid-body, after a good chunk.
            let r = try Self.answer(port, "POST /collect HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n")
            #expect(r?.status == 400, "\(r?.text ?? "closed")")
        }
        #expect(!log.messages.contains { $0.contains("function") }, "\(log.messages)")
    }

    /// A chunk header announcing more than the function's limit is answered 413 when it arrives, before
    /// any of that chunk's data (the client here sends only the header, and waits).
    @Test func aChunkAnnouncedPastTheLimitIs413AtOnce() async throws {
        let config = #"{"functions":{"Functions/count/*.swift":{"maxRequestBodySize":1024}}}"#
        let log = CapturedLog()
        try await ServerSocketTests.serving(ServerSocketTests.engineRoutes, config: config, logger: log.logger) { port in
            try await RawHTTP.onOwnThread {
                let chunked = "POST /count HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                // One header past the limit; two that pass it together; one of 2^48 bytes.
                for bytes in [chunked + "100000\r\nabc",
                              chunked + "200\r\n" + String(repeating: "a", count: 512) + "\r\n201\r\n",
                              chunked + "FFFFFFFFFFFF\r\n"] {
                    let start = ContinuousClock.now
                    let r = try Self.answer(port, bytes)
                    #expect(r?.status == 413, "\(r?.status ?? 0) \(r?.text ?? "closed")")
                    #expect(r?.text.contains(#""code":"payload_too_large""#) == true)
                    #expect(r?.header("connection") == "close")
                    #expect(ContinuousClock.now - start < .seconds(1))
                }
                // Behind a pipelined request: that one is answered, then the 413, then the connection closes.
                let fd = try RawHTTP.connect(port: port, timeoutSeconds: 2)
                defer { close(fd) }
                try RawHTTP.send(fd, Array(("GET /echo?first HTTP/1.1\r\nHost: t\r\n\r\n" + chunked + "100000\r\n").utf8))
                let text = String(decoding: ServerSocketTests.readToEnd(fd), as: UTF8.self)
                #expect(text.hasPrefix("HTTP/1.1 200 OK"), "\(text)")
                #expect(text.contains("HTTP/1.1 413 "), "\(text)")
                // Within the limit, chunked still works.
                let ok = try Self.answer(port, chunked + "200\r\n" + String(repeating: "a", count: 512) + "\r\n0\r\n\r\n")
                #expect(ok?.status == 200, "\(ok?.text ?? "closed")")
            }
        }
        #expect(!log.messages.contains { $0.contains("function") }, "\(log.messages)")
    }

    @Test func aClientThatHangsUpMidBodyIsNotAServerError() async throws {
        let log = CapturedLog()
        Collector.outcome.reset()
        try await Self.serving(log: log) { port in
            let fd = try RawHTTP.connect(port: port)
            try RawHTTP.send(fd, Array("POST /collect HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\nhalf".utf8))
            usleep(100_000)
            close(fd)
            for _ in 0..<100 where Collector.outcome.text == nil { usleep(20_000) }
            usleep(100_000)
        }
        #expect(Collector.outcome.text != nil, "the handler saw the body fail")
        #expect(!log.messages.contains { $0.contains("function") || $0.hasPrefix("error") }, "\(log.messages)")
    }

    /// HTTP/0.9 request lines and a run of empty lines are answered 400 at once, long before the header
    /// timeout (an hour here); one or two empty lines before a request are ignored (RFC 9112 §2.2), and
    /// so is a request line that arrives a byte at a time.
    @Test func http09AndBareLineBreaksAreRefusedAtOnce() async throws {
        try await Self.serving(limits: ConnectionLimits(headerRead: .seconds(3600))) { port in
            for probe in ["GET /\r\n", "GET /quick\r\n\r\n", "\r\n\r\n\r\n\r\n", "\n\n\n", "\r\n\r\nGET /\r\n"] {
                let start = ContinuousClock.now
                let r = try Self.answer(port, probe)
                #expect(r?.status == 400, "\(probe.debugDescription) -> \(r?.status ?? 0)")
                #expect(r?.text.contains(#""code":"malformed_request""#) == true)
                #expect(ContinuousClock.now - start < .milliseconds(500))
            }
            let ok = try Self.answer(port, "\r\n\r\nGET /quick HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            #expect(ok?.status == 200)
            let fd = try RawHTTP.connect(port: port, timeoutSeconds: 2)
            defer { close(fd) }
            for byte in "GET /quick HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".utf8 {
                try RawHTTP.send(fd, [byte])
                usleep(1000)
            }
            #expect(try RawHTTP.read(fd).status == 200)
        }
    }

    @Test func http11NeedsExactlyOneHost() async throws {
        try await Self.serving { port in
            let none = try Self.answer(port, "GET /quick HTTP/1.1\r\nConnection: close\r\n\r\n")
            #expect(none?.status == 400)
            #expect(none?.text.contains(#""code":"malformed_request""#) == true)
            let two = try Self.answer(port, "GET /quick HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n")
            #expect(two?.status == 400)
            let oldTwo = try Self.answer(port, "GET /quick HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n")
            #expect(oldTwo?.status == 400)
            // HTTP/1.0 may leave it out.
            let old = try Self.answer(port, "GET /quick HTTP/1.0\r\n\r\n")
            #expect(old?.status == 200)
        }
    }
}

/// A response that closes the connection while the client is still sending (a 413 before an upload, a
/// 431 for a huge head) reaches the client: the close lingers instead of resetting the connection.
@Suite(.serialized) struct LingeringCloseTests {
    /// Sends `head`, then `filler` more bytes as an uploader does (blocking, to the end unless the
    /// connection fails), then reads the response. The send error, if any, is returned with it.
    static func answerWhileSending(_ port: Int, head: String, filler: Int) throws -> (RawHTTP.Response?, sendFailed: Bool) {
        let fd = try RawHTTP.connect(port: port, timeoutSeconds: 5)
        defer { close(fd) }
        try RawHTTP.send(fd, Array(head.utf8))
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 64 * 1024)
        var sent = 0
        var failed = false
        while sent < filler {
            let n = chunk.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { failed = true; break }
            sent += n
        }
        return (try? RawHTTP.read(fd), failed)
    }

    @Test func a413BeforeAnUploadIsReadWhileTheClientStillSends() async throws {
        let config = #"{"functions":{"Functions/echo/*.swift":{"maxRequestBodySize":1024}}}"#
        try await ServerSocketTests.serving(ServerSocketTests.engineRoutes, config: config) { port in
            try await RawHTTP.onOwnThread {
                for _ in 0..<5 {
                    let (r, sendFailed) = try Self.answerWhileSending(
                        port, head: "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10000000\r\n\r\n", filler: 4 << 20)
                    #expect(r?.status == 413)
                    #expect(!sendFailed, "the upload was reset instead of drained")
                }
            }
        }
    }

    @Test func aHugeHeadIs431AndReadable() async throws {
        try await ServerSocketTests.serving(ServerSocketTests.engineRoutes, config: "{}") { port in
            try await RawHTTP.onOwnThread {
                for _ in 0..<5 {
                    let head = "GET /quick HTTP/1.1\r\nHost: t\r\nX-Big: " + String(repeating: "b", count: 200 * 1024) + "\r\n\r\n"
                    let (r, _) = try Self.answerWhileSending(port, head: head, filler: 0)
                    #expect(r?.status == 431, "\(r?.status ?? 0) \(r?.text ?? "reset")")
                    #expect(r?.text.contains(#""code":"headers_too_large""#) == true)
                }
            }
        }
    }
}

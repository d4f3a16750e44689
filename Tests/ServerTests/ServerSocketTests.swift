import EdgeRuntime
import EdgeTesting
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import Server

/// The HTTP server in-process on a real socket: what only the server path does (handlers run on the
/// connection's own task, see `Deadline.Placement.currentTask`).
@Suite(.serialized) struct ServerSocketTests {
    /// Sleeps until cancelled, and says so.
    struct Sleeper: EdgeFunction {
        static let cancelled = Flag()
        func handle(_ request: Request, context: Context) async throws -> Response {
            do {
                try await Task.sleep(for: .seconds(30))
            } catch {
                Sleeper.cancelled.set()
                throw error
            }
            return .text("woke")
        }
    }

    struct Quick: EdgeFunction {
        func handle(_ request: Request, context: Context) async throws -> Response {
            .text("quick \(request.clientAddress ?? "none")")
        }
    }

    /// Answers with its query string.
    struct Echo: EdgeFunction {
        func handle(_ request: Request, context: Context) async throws -> Response {
            .text(request.rawQuery ?? "")
        }
    }

    /// Reads the body as a stream, slowly, and answers with its length.
    struct SlowCounter: EdgeFunction {
        func handle(_ request: Request, context: Context) async throws -> Response {
            var total = 0, chunks = 0
            for try await chunk in request.body.stream {
                total += chunk.count
                chunks += 1
                if chunks % 8 == 0 { try await Task.sleep(for: .milliseconds(2)) }
            }
            return .text("\(total)")
        }
    }

    static func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await RawHTTP.onOwnThread(body)
    }

    /// Serves `routes` on an ephemeral port for the duration of `body`.
    static func serving(_ routes: [RouteDescriptor], config: String, limits: ConnectionLimits = ConnectionLimits(),
                        logger: Logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
                        _ body: @Sendable (Int) async throws -> Void) async throws {
        let cfg = try EdgeConfig.parse(Array(config.utf8))
        let app = try EdgeApplication(routes: routes, config: cfg, environment: [:], logger: logger)
        let server = EdgeServer(app: app, host: "127.0.0.1", port: 0, logFormat: .json, accessLog: false, connectionLimits: limits)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let task = Task { try await server.run(onListening: { continuation.yield($0) }) }
        defer { task.cancel() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { Issue.record("server did not start"); return }
        try await body(port)
    }

    @Test func maxDurationOnTheConnectionTask() async throws {
        let routes = [
            RouteDescriptor("/sleep", file: "Functions/sleep/Sleep.swift", Sleeper.self),
            RouteDescriptor("/quick", file: "Functions/quick/Quick.swift", Quick.self),
        ]
        try await Self.serving(routes, config: #"{"functions":{"Functions/sleep/*.swift":{"maxDuration":1}}}"#) { port in
            try await Self.onOwnThread {
                // A quick request first, then the slow one on the same keep-alive connection.
                let fd = try RawHTTP.connect(port: port)
                defer { close(fd) }
                try RawHTTP.send(fd, Array("GET /quick HTTP/1.1\r\nHost: t\r\n\r\n".utf8))
                let first = try RawHTTP.read(fd)
                #expect(first.status == 200)
                #expect(first.text == "quick 127.0.0.1")

                let start = ContinuousClock.now
                try RawHTTP.send(fd, Array("GET /sleep HTTP/1.1\r\nHost: t\r\n\r\n".utf8))
                let timedOut = try RawHTTP.read(fd)
                #expect(timedOut.status == 504)
                #expect(timedOut.text.contains(#""code":"function_timeout""#))
                #expect(timedOut.header("connection") == "close")
                #expect(timedOut.header("x-request-id") != nil)
                #expect(ContinuousClock.now - start < .seconds(5))
                var byte: UInt8 = 0
                #expect(recv(fd, &byte, 1, 0) == 0, "the server closes the timed-out connection")

                // The server keeps serving, on new connections.
                for _ in 0..<3 {
                    let again = try RawHTTP.request(port: port, "GET", "/quick")
                    #expect(again.status == 200)
                }
            }
            #expect(Sleeper.cancelled.isSet)
        }
    }

    @Test func keepAliveServesManyRequestsOnOneConnection() async throws {
        let routes = [RouteDescriptor("/quick", file: "Functions/quick/Quick.swift", Quick.self)]
        try await Self.serving(routes, config: #"{"functions":{"Functions/**":{"maxDuration":5}}}"#) { port in
            try await Self.onOwnThread {
                let fd = try RawHTTP.connect(port: port)
                defer { close(fd) }
                for _ in 0..<20 {
                    try RawHTTP.send(fd, Array("GET /quick?x=1 HTTP/1.1\r\nHost: t\r\n\r\n".utf8))
                    let r = try RawHTTP.read(fd)
                    #expect(r.status == 200)
                    #expect(r.header("connection") != "close")
                }
            }
        }
    }

    static let engineRoutes = [
        RouteDescriptor("/quick", file: "Functions/quick/Quick.swift", Quick.self),
        RouteDescriptor("/echo", file: "Functions/echo/Echo.swift", Echo.self),
        RouteDescriptor("/count", file: "Functions/count/Count.swift", SlowCounter.self),
    ]

    /// Serves ``engineRoutes`` and runs `body` on a thread of its own with one connection open to them.
    static func onEngineConnection(_ body: @escaping @Sendable (_ fd: Int32, _ port: Int) throws -> Void) async throws {
        try await serving(engineRoutes, config: "{}") { port in
            try await onOwnThread {
                let fd = try RawHTTP.connect(port: port)
                defer { close(fd) }
                try body(fd, port)
            }
        }
    }

    /// Reads until the server closes the connection.
    static func readToEnd(_ fd: Int32) -> [UInt8] {
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buf, buf.count, 0)
            if n <= 0 { return out }
            out.append(contentsOf: buf[0..<n])
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        try await Self.onEngineConnection { fd, _ in
            let three = (1...3).map { n in
                "GET /echo?n=\(n) HTTP/1.1\r\nHost: t\r\n\(n == 3 ? "Connection: close\r\n" : "")\r\n"
            }.joined()
            try RawHTTP.send(fd, Array(three.utf8))
            let bytes = Self.readToEnd(fd)
            let text = String(decoding: bytes, as: UTF8.self)
            var statuses = 0, rest = bytes[...]
            while let i = RawHTTP.find(Array(rest), Array("HTTP/1.1 200 OK".utf8)) {
                statuses += 1
                rest = rest.dropFirst(i + 1)
        }
        #expect(statuses == 3)
        let positions = (1...3).compactMap { RawHTTP.find(bytes, Array("n=\($0)".utf8)) }
        #expect(positions.count == 3 && positions == positions.sorted(), "answered in request order: \(text)")
        }
    }

    @Test func unparsableRequestGetsA400EnvelopeAndTheServerGoesOn() async throws {
        try await Self.onEngineConnection { fd, port in
            try RawHTTP.send(fd, Array("NOT HTTP AT ALL\r\n\r\n".utf8))
            let r = try RawHTTP.read(fd)
            #expect(r.status == 400)
            #expect(r.text.contains(#""code":"malformed_request""#))
            #expect(r.header("connection") == "close")
            #expect(r.header("content-type")?.hasPrefix("application/json") == true)
            var byte: UInt8 = 0
            #expect(recv(fd, &byte, 1, 0) == 0, "the server closes the connection")
            #expect(try RawHTTP.request(port: port, "GET", "/quick").status == 200)
        }
    }

    @Test func aLargeUploadStreamsThroughASlowHandler() async throws {
        // 4 MiB, far past the body's high-water mark: reads pause and resume, nothing is lost.
        let size = 4 << 20
        try await Self.serving(Self.engineRoutes, config: "{}") { port in
            try await Self.onOwnThread {
                let body = [UInt8](repeating: 0x61, count: size)
                let r = try RawHTTP.request(port: port, "POST", "/count", body: body)
                #expect(r.status == 200)
                #expect(r.text == "\(size)")
                // Chunked, too.
                let fd = try RawHTTP.connect(port: port)
                defer { close(fd) }
                var chunked = Array("POST /count HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".utf8)
                for _ in 0..<64 {
                    chunked += Array("10000\r\n".utf8) + [UInt8](repeating: 0x62, count: 0x10000) + Array("\r\n".utf8)
                }
                chunked += Array("0\r\n\r\n".utf8)
                try RawHTTP.send(fd, chunked)
                let c = try RawHTTP.read(fd)
                #expect(c.text == "\(64 * 0x10000)")
            }
        }
    }

    @Test func anUnreadBodyIsDrainedAndTheConnectionReused() async throws {
        try await Self.onEngineConnection { fd, _ in
            let body = [UInt8](repeating: 0x7A, count: 1 << 20)
            try RawHTTP.send(fd, Array("POST /echo?unread HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body)
            let first = try RawHTTP.read(fd)
            #expect(first.text == "unread")
            try RawHTTP.send(fd, Array("GET /echo?next HTTP/1.1\r\nHost: t\r\n\r\n".utf8))
            let second = try RawHTTP.read(fd)
            #expect(second.status == 200)
            #expect(second.text == "next")
        }
    }

    @Test func aHalfClosedClientStillGetsItsResponse() async throws {
        try await Self.onEngineConnection { fd, _ in
            try RawHTTP.send(fd, Array("GET /echo?half HTTP/1.1\r\nHost: t\r\n\r\n".utf8))
            shutdown(fd, Int32(SHUT_WR))
            let r = try RawHTTP.read(fd)
            #expect(r.status == 200)
            #expect(r.text == "half")
        }
    }

    @Test func aPipelinedRequestWithABodyIsAnsweredToo() async throws {
        try await Self.onEngineConnection { fd, _ in
            let upload = [UInt8](repeating: 0x63, count: 300_000)
            let pipelined = Array("GET /echo?first HTTP/1.1\r\nHost: t\r\n\r\nPOST /count HTTP/1.1\r\nHost: t\r\nContent-Length: \(upload.count)\r\nConnection: close\r\n\r\n".utf8) + upload
            try RawHTTP.send(fd, pipelined)
            let text = String(decoding: Self.readToEnd(fd), as: UTF8.self)
            #expect(text.hasSuffix("\r\n\r\n300000"), "\(text.suffix(120))")
            #expect(RawHTTP.find(Array(text.utf8), Array("first".utf8)) != nil)
        }
    }

    @Test func http10ClosesUnlessAskedToKeepAlive() async throws {
        try await Self.serving(Self.engineRoutes, config: "{}") { port in
            try await Self.onOwnThread {
                let plain = try RawHTTP.raw(port: port, Array("GET /echo?old HTTP/1.0\r\n\r\n".utf8))
                #expect(plain.status == 200)
                #expect(plain.text == "old")
                #expect(plain.header("connection") == "close")

                let fd = try RawHTTP.connect(port: port)
                defer { close(fd) }
                for i in 0..<2 {
                    try RawHTTP.send(fd, Array("GET /echo?k\(i) HTTP/1.0\r\nConnection: keep-alive\r\n\r\n".utf8))
                    let r = try RawHTTP.read(fd)
                    #expect(r.text == "k\(i)")
                    #expect(r.header("connection") == "keep-alive")
                }
            }
        }
    }

    @Test func expect100ContinueIsAnsweredWhenTheHandlerReads() async throws {
        try await Self.onEngineConnection { fd, _ in
            try RawHTTP.send(fd, Array("POST /count HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n".utf8))
            let interim = try RawHTTP.read(fd)
            #expect(interim.status == 100)
            try RawHTTP.send(fd, Array("hello".utf8))
            let final = try RawHTTP.read(fd)
            #expect(final.status == 200)
            #expect(final.text == "5")
        }
    }

    @Test func anUpgradeRequestIsAnsweredThenClosed() async throws {
        try await Self.onEngineConnection { fd, _ in
            try RawHTTP.send(fd, Array("GET /echo?up HTTP/1.1\r\nHost: t\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n".utf8))
            let r = try RawHTTP.read(fd)
            #expect(r.status == 200)
            #expect(r.text == "up")
            #expect(r.header("connection") == "close")
        }
    }
}

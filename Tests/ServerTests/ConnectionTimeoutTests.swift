import EdgeRuntime
import EdgeTesting
import NIOCore
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import Server

/// The connection timeouts and the connection cap (``ConnectionLimits``), on a real socket with
/// timeouts of a few hundred milliseconds.
@Suite(.serialized) struct ConnectionTimeoutTests {
    static let short = ConnectionLimits(
        headerRead: .milliseconds(300), keepAliveIdle: .milliseconds(400), bodyReadIdle: .milliseconds(300), write: .milliseconds(300)
    )

    /// Waits for the server to close `fd` (reading and dropping whatever it sends); how long that took,
    /// or nil if it stayed open for the socket's receive timeout.
    static func timeToClose(_ fd: Int32) -> Duration? {
        let start = ContinuousClock.now
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buf, buf.count, 0)
            if n == 0 || (n < 0 && errno == ECONNRESET) { return ContinuousClock.now - start }
            if n < 0 { return nil }
        }
    }

    static func onConnection(limits: ConnectionLimits = short, logger: Logger? = nil, _ body: @escaping @Sendable (_ fd: Int32, _ port: Int) throws -> Void) async throws {
        let logger = logger ?? Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        try await ServerSocketTests.serving(ServerSocketTests.engineRoutes + hygieneRoutes, config: "{}", limits: limits, logger: logger) { port in
            try await RawHTTP.onOwnThread {
                let fd = try RawHTTP.connect(port: port, timeoutSeconds: 5)
                defer { close(fd) }
                try body(fd, port)
            }
        }
    }

    static let hygieneRoutes = [
        RouteDescriptor("/collect", file: "Functions/collect/Collect.swift", Collector.self),
        RouteDescriptor("/firehose", file: "Functions/firehose/Firehose.swift", Firehose.self),
    ]

    @Test func aHeadThatStallsIsClosedAfterTheHeaderTimeout() async throws {
        try await Self.onConnection { fd, port in
            try RawHTTP.send(fd, Array("GET /quick HTTP/1.1\r\nHo".utf8))
            let closedAfter = try #require(Self.timeToClose(fd), "a stalled head keeps its connection")
            #expect(closedAfter >= .milliseconds(200) && closedAfter < .seconds(3))
            // A connection that never sends a byte goes the same way.
            let silent = try RawHTTP.connect(port: port, timeoutSeconds: 5)
            defer { close(silent) }
            #expect(Self.timeToClose(silent) != nil)
        }
    }

    @Test func anIdleKeepAliveConnectionIsClosedAfterItsTimeout() async throws {
        try await Self.onConnection { fd, _ in
            try RawHTTP.send(fd, Array("GET /quick HTTP/1.1\r\nHost: t\r\n\r\n".utf8))
            #expect(try RawHTTP.read(fd).status == 200)
            let closedAfter = try #require(Self.timeToClose(fd), "an idle connection stays open")
            #expect(closedAfter >= .milliseconds(300) && closedAfter < .seconds(3))
        }
    }

    @Test func aBodyThatStopsArrivingIsA408() async throws {
        try await Self.onConnection { fd, _ in
            try RawHTTP.send(fd, Array("POST /count HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n0123456789".utf8))
            let start = ContinuousClock.now
            let r = try RawHTTP.read(fd)
            #expect(r.status == 408)
            #expect(r.text.contains(#""code":"request_timeout""#))
            #expect(r.header("connection") == "close")
            #expect(ContinuousClock.now - start < .seconds(3))
            #expect(Self.timeToClose(fd) != nil)
        }
    }

    @Test func aBodyLeftUnreadThatStallsClosesTheConnection() async throws {
        try await Self.onConnection { fd, _ in
            // /echo answers without reading; the rest of the body never comes.
            try RawHTTP.send(fd, Array("POST /echo?x HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n0123".utf8))
            #expect(try RawHTTP.read(fd).text == "x")
            #expect(Self.timeToClose(fd) != nil)
        }
    }

    @Test func aSlowHandlerIsNotABodyTimeout() async throws {
        // The handler reads slowly (reads pause past the high-water mark): that is not the client stalling.
        let limits = ConnectionLimits(headerRead: .milliseconds(300), bodyReadIdle: .milliseconds(100))
        try await Self.onConnection(limits: limits) { fd, _ in
            let body = [UInt8](repeating: 0x61, count: 2 << 20)
            try RawHTTP.send(fd, Array("POST /count HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body)
            let r = try RawHTTP.read(fd)
            #expect(r.status == 200)
            #expect(r.text == "\(body.count)")
        }
    }

    @Test func pastTheConnectionCapANewConnectionGetsA503AndIsLogged() async throws {
        let log = CapturedLog()
        var limits = Self.short
        limits.maxConnections = 2
        limits.headerRead = .seconds(5)
        limits.keepAliveIdle = .seconds(5)
        try await Self.onConnection(limits: limits, logger: log.logger) { first, port in
            let second = try RawHTTP.connect(port: port)
            defer { close(second) }
            for fd in [first, second] {
                try RawHTTP.send(fd, Array("GET /quick HTTP/1.1\r\nHost: t\r\n\r\n".utf8))
                #expect(try RawHTTP.read(fd).status == 200)
            }
            for _ in 0..<2 {
                let refused = try RawHTTP.request(port: port, "GET", "/quick")
                #expect(refused.status == 503)
                #expect(refused.text.contains(#""code":"too_many_connections""#))
                #expect(refused.header("connection") == "close")
            }
            #expect(log.messages.filter { $0.contains("connection limit reached") }.count == 1, "\(log.messages)")
            // A slot frees up when a connection closes.
            close(second)
            var status = 0
            for _ in 0..<50 where status != 200 {
                status = try RawHTTP.request(port: port, "GET", "/quick").status
                if status != 200 { usleep(20_000) }
            }
            #expect(status == 200)
        }
    }
}

/// Collects the whole body and remembers how that ended.
struct Collector: EdgeFunction {
    static let outcome = Outcome()
    func handle(_ request: Request, context: Context) async throws -> Response {
        do {
            let bytes = try await request.body.bytes()
            return .text("\(bytes.count)")
        } catch {
            Collector.outcome.set("\(error)")
            throw error
        }
    }
}

/// Streams 1 KiB chunks as fast as the socket takes them, counting them, until cancelled.
struct Firehose: EdgeFunction {
    static let written = Counter()
    static let cancelled = Flag()
    func handle(_ request: Request, context: Context) async throws -> Response {
        .eventStream { writer in
            let chunk = [UInt8](repeating: 0x78, count: 1024)
            do {
                while true {
                    try await writer.write(chunk)
                    Firehose.written.add()
                }
            } catch {
                Firehose.cancelled.set()
                throw error
            }
        }
    }
}

import Synchronization

final class Counter: Sendable {
    private let value = Atomic<Int>(0)
    func add() { value.wrappingAdd(1, ordering: .relaxed) }
    var count: Int { value.load(ordering: .relaxed) }
    func reset() { value.store(0, ordering: .relaxed) }
}

final class Outcome: Sendable {
    private let value = Mutex<String?>(nil)
    func set(_ s: String) { value.withLock { $0 = s } }
    func reset() { value.withLock { $0 = nil } }
    var text: String? { value.withLock { $0 } }
}

/// A logger whose lines (message and metadata) tests can read.
final class CapturedLog: Sendable {
    private let lines = Mutex<[String]>([])
    var messages: [String] { lines.withLock { $0 } }
    var logger: Logger { Logger(label: "test", factory: { _ in Handler(log: self) }) }
    fileprivate func append(_ line: String) { lines.withLock { $0.append(line) } }

    struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            log.append("\(event.level) \(event.message) \(event.metadata ?? [:])")
        }
    }
}

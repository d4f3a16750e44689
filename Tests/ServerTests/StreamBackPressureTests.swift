import EdgeRuntime
import EdgeTesting
import NIOCore
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import Server

/// A client that stops reading a streamed response: the server buffers a bounded amount, the producer
/// blocks, and after the write timeout the connection closes and the producer is cancelled.
@Suite(.serialized) struct StreamBackPressureTests {
    /// Sends `GET path` and then never reads; `body` runs while the connection stays open.
    static func stalledClient(_ port: Int, _ path: String, _ body: () throws -> Void) throws {
        let fd = try RawHTTP.connect(port: port)
        defer { close(fd) }
        var small: Int32 = 4096
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
        try RawHTTP.send(fd, Array("GET \(path) HTTP/1.1\r\nHost: t\r\n\r\n".utf8))
        try body()
    }

    /// Waits until `count` stops growing for 300 ms; its value then, or nil if it kept growing for 5 s.
    static func settled(_ count: () -> Int) -> Int? {
        var last = count()
        for _ in 0..<50 {
            usleep(300_000)
            let now = count()
            if now == last { return now }
            last = now
        }
        return nil
    }

    @Test func aProducerBlocksOnAStalledClientAndIsCancelledAfterTheWriteTimeout() async throws {
        Firehose.written.reset()
        let limits = ConnectionLimits(write: .seconds(2))
        try await ServerSocketTests.serving(ConnectionTimeoutTests.hygieneRoutes, config: "{}", limits: limits) { port in
            try await RawHTTP.onOwnThread {
                try Self.stalledClient(port, "/firehose") {
                    // Unthrottled, the handler writes well over 100k chunks a second.
                    let blockedAt = try #require(Self.settled { Firehose.written.count }, "the producer never blocked")
                    #expect(blockedAt < 30_000, "about \(blockedAt) KiB produced for a client that reads nothing")
                    for _ in 0..<300 where !Firehose.cancelled.isSet { usleep(50_000) }
                    #expect(Firehose.cancelled.isSet, "the producer is cancelled after the write timeout")
                }
            }
        }
    }

    @Test func anEventRelayPullsTheUpstreamOnlyAsFastAsTheClientReads() async throws {
        let produced = Counter()
        try await withFakeUpstream({ _, _ in
            .eventStream { writer in
                let event = Array("data: \(String(repeating: "y", count: 1000))\n\n".utf8)
                while true {
                    try await writer.write(event)
                    produced.add()
                }
            }
        }) { upstream in
            Relay.upstream.withLock { $0 = upstream.url("/events") }
            let routes = [RouteDescriptor("/relay", file: "Functions/relay/Relay.swift", Relay.self)]
            try await ServerSocketTests.serving(routes, config: "{}", limits: ConnectionLimits(write: .seconds(30))) { port in
                try await RawHTTP.onOwnThread {
                    try Self.stalledClient(port, "/relay") {
                        let blockedAt = try #require(Self.settled { produced.count }, "the relay kept reading the upstream")
                        // Socket buffers on both hops plus the fetch body's high-water mark, not the whole stream.
                        #expect(blockedAt < 40_000, "about \(blockedAt) KiB read from upstream for a client that reads nothing")
                    }
                }
            }
        }
    }
}

/// Relays the upstream's event stream (`Relay.upstream`) to the client.
struct Relay: EdgeFunction {
    static let upstream = Mutex<String>("")
    func handle(_ request: Request, context: Context) async throws -> Response {
        let upstream = try await context.fetch(Relay.upstream.withLock { $0 })
        return .eventStream(relaying: upstream.body, keepAlive: .seconds(15), logger: context.logger)
    }
}

/// A client that closes its socket while a stream is being sent to it, during the stream's silence: the
/// producer is cancelled at once, not at its next write.
@Suite(.serialized) struct ClientLeavesMidStreamTests {
    @Test func closingDuringSilenceCancelsTheProducerAtOnce() async throws {
        let routes = [RouteDescriptor("/quiet", file: "Functions/quiet/Quiet.swift", Quiet.self)]
        try await ServerSocketTests.serving(routes, config: "{}") { port in
            try await RawHTTP.onOwnThread {
                let fd = try RawHTTP.connect(port: port, timeoutSeconds: 5)
                try RawHTTP.send(fd, Array("GET /quiet HTTP/1.1\r\nHost: t\r\n\r\n".utf8))
                var buffer = [UInt8](repeating: 0, count: 4096)
                var got: [UInt8] = []
                while RawHTTP.find(got, Array("first".utf8)) == nil {
                    let n = recv(fd, &buffer, buffer.count, 0)
                    if n <= 0 { break }
                    got += buffer[0..<n]
                }
                #expect(RawHTTP.find(got, Array("first".utf8)) != nil)
                let closedAt = ContinuousClock.now
                close(fd)
                for _ in 0..<100 where !Quiet.cancelled.isSet { usleep(10_000) }
                #expect(Quiet.cancelled.isSet, "the silent producer was not cancelled")
                #expect(ContinuousClock.now - closedAt < .milliseconds(500))
            }
        }
    }
}

/// Sends one event, then nothing for a minute (a provider thinking); records its cancellation.
struct Quiet: EdgeFunction {
    static let cancelled = Flag()
    func handle(_ request: Request, context: Context) async throws -> Response {
        .eventStream { writer in
            try await writer.write(Array("data: first\n\n".utf8))
            do { try await Task.sleep(for: .seconds(60)) } catch { Quiet.cancelled.set(); throw error }
        }
    }
}

import EdgeTesting
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The real `edge` binary (supervisor and two workers) holding 1000 idle keep-alive connections and 200
/// slowloris connections that trickle a head a byte at a time: a normal client is still served fast, the
/// slow ones are closed at the header timeout, the idle ones are left alone.
@Suite(.serialized) struct ConnectionFloodTests {
    static let idle = 1000
    static let slow = 200
    static let headerTimeout = 2

    /// This test process holds some 1400 sockets: more than Debian's default soft limit.
    static func raiseOwnOpenFileLimit() {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        limit.rlim_cur = min(limit.rlim_max, 8192)
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }

    /// True when the server has closed `fd` (EOF or reset), without blocking.
    static func closedByServer(_ fd: Int32) -> Bool {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, 0) == 1 else { return false }
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, Int32(MSG_DONTWAIT)) <= 0
    }

    @Test func idleAndSlowlorisConnectionsDoNotStarveANormalClient() throws {
        Self.raiseOwnOpenFileLimit()
        let edge = try EdgeProcess(arguments: ["serve", "--workers", "2"], environment: [
            "EDGE_HEADER_READ_TIMEOUT": String(Self.headerTimeout), "ACCESS_LOG": "off",
        ])
        defer { edge.stop() }
        var idle: [Int32] = [], slow: [Int32] = []
        defer { (idle + slow).forEach { close($0) } }
        // Idle: one request answered, then nothing (keep-alive).
        for _ in 0..<Self.idle {
            let fd = try RawHTTP.connect(port: edge.port, timeoutSeconds: 5)
            idle.append(fd)
            try RawHTTP.send(fd, Array("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n".utf8))
            #expect(try RawHTTP.read(fd).status == 200)
        }
        // Slowloris: a head that starts and never ends.
        for _ in 0..<Self.slow {
            let fd = try RawHTTP.connect(port: edge.port, timeoutSeconds: 5)
            slow.append(fd)
            try RawHTTP.send(fd, Array("GET /hello HTTP/1.1\r\nHost: t\r\n".utf8))
        }
        let started = ContinuousClock.now
        var latencies: [Duration] = []
        var trickled = 0
        // A normal client, one new connection per request, while the slow ones trickle a byte each.
        while ContinuousClock.now - started < .seconds(Self.headerTimeout) - .milliseconds(300) {
            for fd in slow { _ = Glibc.send(fd, "x", 1, Int32(MSG_NOSIGNAL)) }
            trickled += 1
            for _ in 0..<10 {
                let t0 = ContinuousClock.now
                let r = try RawHTTP.request(port: edge.port, "GET", "/hello", timeoutSeconds: 5)
                latencies.append(ContinuousClock.now - t0)
                #expect(r.status == 200)
            }
        }
        latencies.sort()
        let p99 = latencies[min(latencies.count - 1, latencies.count * 99 / 100)]
        #expect(latencies.count >= 50)
        print("connection flood: normal client p99 \(p99) over \(latencies.count) requests, median \(latencies[latencies.count / 2])")
        #expect(p99 < .milliseconds(100), "p99 \(p99) over \(latencies.count) requests")
        // Past the header timeout (counted from each head's first bytes): every slow one is closed.
        usleep(UInt32(Self.headerTimeout) * 1_000_000 + 1_000_000)
        let slowClosed = slow.filter(Self.closedByServer).count
        #expect(slowClosed == Self.slow, "\(slowClosed) of \(Self.slow) slowloris connections closed")
        // The idle keep-alive ones wait for the keep-alive timeout, not the header one.
        let idleClosed = idle.filter(Self.closedByServer).count
        #expect(idleClosed == 0, "\(idleClosed) idle keep-alive connections closed early")
        // And they still work.
        try RawHTTP.send(idle[0], Array("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n".utf8))
        #expect(try RawHTTP.read(idle[0]).status == 200)
    }
}

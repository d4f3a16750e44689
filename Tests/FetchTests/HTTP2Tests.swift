import Fetch
import Foundation
import Testing

/// HTTP/2 over TLS (ALPN) against `nghttpd` from Debian's `nghttp2-server`. Skipped when it
/// is not installed (CI: `apt-get install nghttp2-server`). Two of them document a libcurl 7.88 defect
/// as a known issue; see ``HTTPClient/HTTPVersionPreference``.
@Suite("HTTP/2", .enabled(if: FileManager.default.isExecutableFile(atPath: H2Server.path)))
struct HTTP2Tests {
    @Test("h2: a response over HTTP/2 and 20 multiplexed concurrent requests")
    func multiplexed() async throws {
        try await H2Server.with { server in
            let client = HTTPClient(configuration: .init(httpVersion: .automatic, caBundlePath: server.certificatePath))
            defer { client.shutdown() }
            try await withBound(.seconds(20)) {
                let small = try await client.fetch(server.url("/small.txt"))
                #expect(small.status == 200)
                #expect(small.httpVersion == "HTTP/2")
                #expect(try await small.body.text() == "hello h2")
                try await withThrowingTaskGroup(of: String.self) { group in
                    for _ in 0..<20 { group.addTask { try await client.fetch(server.url("/small.txt")).body.text() } }
                    for try await text in group { #expect(text == "hello h2") }
                }
            }
        }
    }

    @Test("h2: a paused big stream drains intact and does not stall its neighbours")
    func pausedBigStream() async throws {
        try await H2Server.with { server in
            let client = HTTPClient(configuration: .init(httpVersion: .automatic, caBundlePath: server.certificatePath))
            defer { client.shutdown() }
            try await withBound(.seconds(20)) {
                let big = try await client.fetch(server.url("/big.bin"))
                try await Task.sleep(for: .milliseconds(300))
                #expect(big.body.isPaused)
                #expect(big.body.bufferedByteCount <= FetchLimits.responseBufferHighWater + FetchLimits.curlBufferSize)
                try await withThrowingTaskGroup(of: String.self) { group in
                    for _ in 0..<20 { group.addTask { try await client.fetch(server.url("/small.txt")).body.text() } }
                    for try await text in group { #expect(text == "hello h2") }
                }
                var total = 0
                var ok = true
                for try await chunk in big.body {
                    for i in stride(from: 0, to: chunk.count, by: 997) where chunk[i] != UInt8((total + i) % 251) { ok = false }
                    total += chunk.count
                }
                #expect(total == H2Server.bigSize)
                #expect(ok)
            }
        }
    }

    @Test("h2: cancelling one stream leaves the connection usable")
    func cancelOneStream() async throws {
        try await H2Server.with { server in
            let client = HTTPClient(configuration: .init(httpVersion: .automatic, caBundlePath: server.certificatePath))
            defer { client.shutdown() }
            try await withBound(.seconds(20)) {
                let big = try await client.fetch(server.url("/big.bin"))
                var iterator = big.body.makeAsyncIterator()
                _ = try await iterator.next()
                big.body.cancel()
                for _ in 0..<5 { #expect(try await client.fetch(server.url("/small.txt")).body.text() == "hello h2") }
            }
            let deadline = ContinuousClock.now + .seconds(2)
            while client.activeTransferCount > 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
            #expect(client.activeTransferCount == 0)
        }
    }
}

/// A throwaway TLS `nghttpd` (fresh self-signed cert; h2c is not used: libcurl 7.88 fails to reuse an
/// h2c prior-knowledge connection to nghttpd, even from the curl CLI) serving a temp directory with `small.txt` and `big.bin` (byte i = i % 251).
struct H2Server: Sendable {
    static let path = "/usr/sbin/nghttpd"
    static let bigSize = 8 * 1024 * 1024
    let port: Int
    let certificatePath: String

    func url(_ path: String) -> String { "https://127.0.0.1:\(port)\(path)" }

    static func with(_ body: (H2Server) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("h2-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("hello h2".utf8).write(to: dir.appendingPathComponent("small.txt"))
        let block = Data((0..<251).map { UInt8($0) })
        var big = Data(capacity: bigSize + 251)
        while big.count < bigSize { big.append(block) }
        try big.prefix(bigSize).write(to: dir.appendingPathComponent("big.bin"))

        let key = dir.appendingPathComponent("key.pem").path
        let cert = dir.appendingPathComponent("cert.pem").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                             "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
                             "-addext", "subjectAltName=IP:127.0.0.1"]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()

        let port = try freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-a", "127.0.0.1", "-d", dir.path, "\(port)", key, cert]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }  // nghttpd ignores SIGTERM
        // Wait until it accepts connections.
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline, !canConnect(port: port) { try await Task.sleep(for: .milliseconds(10)) }
        try await body(H2Server(port: port, certificatePath: cert))
    }

    private static func canConnect(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &addr) { ptr in
            ptr.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

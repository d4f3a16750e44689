import Fetch
import Foundation
import Testing

/// HTTP/2 (h2c, prior knowledge) against `nghttpd` from Debian's `nghttp2-server`. Skipped when it
/// is not installed. These cover the libcurl 7.88 pause/resume path on a multiplexed connection.
@Suite("HTTP/2", .enabled(if: FileManager.default.isExecutableFile(atPath: H2Server.path)))
struct HTTP2Tests {
    @Test("h2c: responses, multiplexed concurrency, and a paused big stream that does not stall its neighbours")
    func multiplexedBackPressure() async throws {
        try await H2Server.with { server in
            let client = HTTPClient(configuration: .init(httpVersion: .http2PriorKnowledge))
            defer { client.shutdown() }
            try await withBound(.seconds(30)) {
                let small = try await client.fetch(server.url("/small.txt"))
                #expect(small.status == 200)
                #expect(small.httpVersion == "HTTP/2")
                #expect(try await small.body.text() == "hello h2")

                let big = try await client.fetch(server.url("/big.bin"))
                try await Task.sleep(for: .milliseconds(300))
                #expect(big.body.isPaused)
                #expect(big.body.bufferedByteCount <= FetchLimits.responseBufferHighWater + FetchLimits.curlBufferSize)

                // While `big` is paused, other streams on the connection still complete.
                try await withThrowingTaskGroup(of: String.self) { group in
                    for _ in 0..<20 { group.addTask { try await client.fetch(server.url("/small.txt")).body.text() } }
                    for try await text in group { #expect(text == "hello h2") }
                }

                // Drain slowly (many pause/resume cycles), then check every byte.
                var total = 0
                var ok = true
                var chunks = 0
                for try await chunk in big.body {
                    for i in stride(from: 0, to: chunk.count, by: 997) where chunk[i] != UInt8((total + i) % 251) { ok = false }
                    total += chunk.count
                    chunks += 1
                    if chunks % 8 == 0 { try await Task.sleep(for: .milliseconds(2)) }
                }
                #expect(total == H2Server.bigSize)
                #expect(ok)
            }
        }
    }

    @Test("h2c: cancelling one stream leaves the connection usable")
    func cancelOneStream() async throws {
        try await H2Server.with { server in
            let client = HTTPClient(configuration: .init(httpVersion: .http2PriorKnowledge))
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

/// A throwaway `nghttpd --no-tls` serving a temp directory with `small.txt` and `big.bin` (byte i = i % 251).
struct H2Server: Sendable {
    static let path = "/usr/sbin/nghttpd"
    static let bigSize = 16 * 1024 * 1024
    let port: Int

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    static func with(_ body: (H2Server) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("h2-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("hello h2".utf8).write(to: dir.appendingPathComponent("small.txt"))
        try Data((0..<bigSize).map { UInt8($0 % 251) }).write(to: dir.appendingPathComponent("big.bin"))

        let port = try freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--no-tls", "-a", "127.0.0.1", "-d", dir.path, "\(port)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }  // nghttpd ignores SIGTERM
        // Wait until it accepts connections.
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline, !canConnect(port: port) { try await Task.sleep(for: .milliseconds(10)) }
        try await body(H2Server(port: port))
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

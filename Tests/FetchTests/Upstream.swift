import Fetch
import Foundation
import Synchronization
import Testing

/// Log lines shared between the reader thread and tests.
final class LineLog: Sendable {
    let lines = Mutex<[String]>([])
    func withLock<T>(_ body: (inout [String]) -> T) -> T { lines.withLock { body(&$0) } }
}

/// A running loopback upstream (see ``upstreamScript``). Use ``withUpstream(_:)``.
final class Upstream: Sendable {
    let port: Int
    let blackholePort: Int
    let tlsPort: Int
    /// PEM file of the TLS port's self-signed certificate.
    let certificatePath: String
    private let process: Process
    private let stdin: Pipe
    private let lines: LineLog

    private init(process: Process, stdin: Pipe, lines: LineLog, port: Int, blackholePort: Int, tlsPort: Int, certificatePath: String) {
        self.process = process
        self.stdin = stdin
        self.lines = lines
        self.port = port
        self.blackholePort = blackholePort
        self.tlsPort = tlsPort
        self.certificatePath = certificatePath
    }

    func url(_ pathAndQuery: String) -> String { "http://127.0.0.1:\(port)\(pathAndQuery)" }

    /// Every log line so far.
    var log: [String] { lines.withLock { $0 } }

    /// Waits until a log line starting with `prefix` appears; returns when it did (or `nil` on timeout).
    func waitForLine(_ prefix: String, timeout: Duration = .seconds(5)) async -> ContinuousClock.Instant? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if lines.withLock({ $0.contains { $0.hasPrefix(prefix) } }) { return .now }
            try? await Task.sleep(for: .milliseconds(2))
        }
        return nil
    }

    /// Waits until at least `count` log lines start with `prefix`; returns how many there are.
    func waitForLines(_ prefix: String, count: Int, timeout: Duration = .seconds(5)) async -> Int {
        let deadline = ContinuousClock.now + timeout
        var seen = 0
        while ContinuousClock.now < deadline {
            seen = lines.withLock { $0.filter { $0.hasPrefix(prefix) }.count }
            if seen >= count { return seen }
            try? await Task.sleep(for: .milliseconds(2))
        }
        return seen
    }

    static func start() throws -> Upstream {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-u", "-c", upstreamScript]
        let stdout = Pipe()
        let stdin = Pipe()
        process.standardOutput = stdout
        process.standardInput = stdin
        try process.run()
        let lines = LineLog()
        let handle = stdout.fileHandleForReading
        let reader = Thread {
            var partial = Data()
            while true {
                let data = handle.availableData
                if data.isEmpty { return }
                partial.append(data)
                while let nl = partial.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: partial[partial.startIndex..<nl], as: UTF8.self)
                    partial.removeSubrange(partial.startIndex...nl)
                    lines.withLock { $0.append(line) }
                }
            }
        }
        reader.start()
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let first = lines.withLock({ $0.first { $0.hasPrefix("PORT ") } }) {
                let parts = first.split(separator: " ")
                return Upstream(process: process, stdin: stdin, lines: lines, port: Int(parts[1])!, blackholePort: Int(parts[3])!,
                                tlsPort: Int(parts[5])!, certificatePath: String(parts[7]))
            }
            usleep(5_000)
        }
        process.terminate()
        throw UpstreamStartError()
    }

    func stop() {
        try? stdin.fileHandleForWriting.close()
        process.terminate()
    }
}

struct UpstreamStartError: Error {}

/// Runs `body` with a fresh upstream and a fresh client, then checks that the client has no transfer
/// left and stops both. The whole thing is bounded by `limit`.
func withUpstream(
    limit: Duration = .seconds(20),
    configuration: HTTPClient.Configuration = .init(),
    _ body: @escaping @Sendable (Upstream, HTTPClient) async throws -> Void
) async throws {
    let upstream = try Upstream.start()
    let client = HTTPClient(configuration: configuration)
    defer {
        client.shutdown()
        upstream.stop()
    }
    try await withBound(limit) { try await body(upstream, client) }
    // Every transfer must be gone shortly after the test body returns (no leaks, no stuck handles).
    let deadline = ContinuousClock.now + .seconds(2)
    while client.activeTransferCount > 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
    #expect(client.activeTransferCount == 0, "transfers leaked")
}

struct TimedOut: Error, CustomStringConvertible {
    let limit: Duration
    var description: String { "test body exceeded \(limit)" }
}

/// Runs `body`, failing with `TimedOut` (and cancelling it) if it takes longer than `limit`.
func withBound<T: Sendable>(_ limit: Duration, _ body: @Sendable @escaping () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask { try await Task.sleep(for: limit); return nil }
        guard let first = try await group.next(), let value = first else {
            group.cancelAll()
            throw TimedOut(limit: limit)
        }
        group.cancelAll()
        return value
    }
}

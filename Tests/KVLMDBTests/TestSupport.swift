import Foundation
import KV
@testable import KVLMDB

/// A fresh temporary data directory, removed by `cleanup()`.
struct TempDir {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "kvlmdb-test-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}

/// Opens a store in a fresh directory, runs `body`, closes and removes it.
func withKv<R>(options: LMDBStore.Options = .init(mapSize: 64 << 20), _ body: (Kv, LMDBStore, TempDir) async throws -> R) async throws -> R {
    let dir = TempDir()
    defer { dir.cleanup() }
    let store = try LMDBStore(path: dir.path, options: options)
    defer { store.close() }
    return try await body(Kv(store: store), store, dir)
}

/// The directory of built products (the test bundle sits next to the executables).
func builtProduct(_ name: String, alternatives: [String] = ["KVConformance"]) throws -> String {
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
        for n in [name] + alternatives {
            let candidate = dir.appendingPathComponent(n).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        dir = dir.deletingLastPathComponent()
    }
    for p in [".build/debug/\(name)", ".build/release/\(name)"] where FileManager.default.isExecutableFile(atPath: p) { return p }
    throw KvError(.io, "\(name) not found next to the test bundle; run `swift build` first")
}

/// A running child process with its stdout collected line by line.
final class Child: @unchecked Sendable {
    let process = Process()
    private let pipe = Pipe()
    private let lock = NSLock()
    private var buffer = Data()

    init(_ exe: String, _ args: [String]) throws {
        process.executableURL = URL(fileURLWithPath: exe)
        process.arguments = args
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        pipe.fileHandleForReading.readabilityHandler = { [weak self] h in
            let d = h.availableData
            guard let self, !d.isEmpty else { return }
            self.lock.lock(); self.buffer.append(d); self.lock.unlock()
        }
        try process.run()
    }

    func kill9() {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        Thread.sleep(forTimeInterval: 0.05)
        pipe.fileHandleForReading.readabilityHandler = nil
        let rest = pipe.fileHandleForReading.readDataToEndOfFile()
        lock.lock(); buffer.append(rest); lock.unlock()
    }

    /// Complete lines written so far.
    var lines: [String] {
        lock.lock(); defer { lock.unlock() }
        let text = String(decoding: buffer, as: UTF8.self)
        var parts = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        parts.removeLast()  // incomplete tail (or "")
        return parts
    }
}

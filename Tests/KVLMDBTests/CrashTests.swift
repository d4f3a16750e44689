import Foundation
import Testing
import KV
@testable import KVLMDB

/// Durability across SIGKILL, and two processes writing one data directory.
@Suite(.serialized) struct CrashTests {
    /// Parses `<versionstamp> <pid> <writer> <n>` lines printed by `kv-conformance crash-child`.
    static func reported(_ lines: [String]) -> [(Versionstamp, KvKey, Double)] {
        lines.compactMap { line in
            let f = line.split(separator: " ")
            guard f.count == 4, let vs = Versionstamp(hex: String(f[0])), let pid = Double(f[1]), let w = Double(f[2]), let n = Double(f[3]) else { return nil }
            return (vs, ["crash", .number(pid), .number(w), .number(n)], n)
        }
    }

    /// Waits (up to 20 s) until the child has acknowledged some commits.
    static func waitForCommits(_ child: Child) async throws {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, child.lines.count < 20 { try await Task.sleep(for: .milliseconds(20)) }
    }

    /// A child commits under load and is killed with SIGKILL, repeatedly; every versionstamp it
    /// reported must be readable afterwards, and the commit counter equals the number of keys
    /// (each commit wrote one key and summed 1: no torn commits).
    @Test func killNineRepeatedly() async throws {
        let exe = try builtProduct("kv-conformance")
        let dir = TempDir()
        defer { dir.cleanup() }
        var all: [(Versionstamp, KvKey, Double)] = []
        for round in 0..<4 {
            let child = try Child(exe, ["crash-child", dir.path])
            try await Self.waitForCommits(child)
            try await Task.sleep(for: .milliseconds(100 + round * 70))
            child.kill9()
            let r = Self.reported(child.lines)
            #expect(!r.isEmpty, "round \(round): the child reported commits")
            all += r
        }
        let kv = try Kv.open(path: dir.path)
        defer { kv.close() }
        for (vs, key, n) in all {
            let e = try await kv.get(key)
            #expect(e.versionstamp == vs && e.value == .number(n), "acknowledged commit \(vs.hex) survived SIGKILL")
        }
        let keys = try kv.count(.prefix(["crash"])) - 1
        guard case .u64(let count)? = try await kv.get(["crash", "count"]).value else { Issue.record("no counter"); return }
        #expect(Int(count.value) == keys)
        #expect(keys >= all.count)
    }

    /// Two processes commit concurrently to one directory: all acknowledged commits are
    /// readable, versionstamps are unique across both, and the counter matches the key count.
    @Test func twoProcessesOneDirectory() async throws {
        let exe = try builtProduct("kv-conformance")
        let dir = TempDir()
        defer { dir.cleanup() }
        let a = try Child(exe, ["crash-child", dir.path])
        let b = try Child(exe, ["crash-child", dir.path])
        try await Self.waitForCommits(a)
        try await Self.waitForCommits(b)
        try await Task.sleep(for: .milliseconds(300))
        a.kill9()
        b.kill9()
        let ra = Self.reported(a.lines), rb = Self.reported(b.lines)
        #expect(!ra.isEmpty && !rb.isEmpty)
        #expect(Set((ra + rb).map(\.0)).count == ra.count + rb.count, "versionstamps are unique across processes")
        let kv = try Kv.open(path: dir.path)
        defer { kv.close() }
        for (vs, key, _) in ra + rb { #expect(try await kv.get(key).versionstamp == vs) }
        let keys = try kv.count(.prefix(["crash"])) - 1
        guard case .u64(let count)? = try await kv.get(["crash", "count"]).value else { Issue.record("no counter"); return }
        #expect(Int(count.value) == keys)
    }
}

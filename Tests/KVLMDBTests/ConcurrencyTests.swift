import Foundation
import Synchronization
import Testing
import KV
@testable import KVLMDB

@Suite struct ConcurrencyTests {
    /// Concurrent commits are batched (fewer fsyncs than commits) and every commit gets its own,
    /// strictly increasing versionstamp.
    @Test func groupCommit() async throws {
        try await withKv { kv, store, _ in
            let before = try store.currentVersionstamp()
            let stamps = try await withThrowingTaskGroup(of: Versionstamp.self) { group in
                for i in 0..<400 { group.addTask { try await kv.set(["g", .number(Double(i))], .number(Double(i))).versionstamp! } }
                var out: [Versionstamp] = []
                for try await v in group { out.append(v) }
                return out
            }
            #expect(Set(stamps).count == 400)
            #expect(stamps.allSatisfy { $0 > before })
            #expect(store.writer.batches.load(ordering: .relaxed) < 400, "commits were grouped")
            for i in [0, 199, 399] { #expect(try await kv.get(["g", .number(Double(i))]).value == .number(Double(i))) }
        }
    }

    /// N tasks increment one counter with get + check + set retries: final == successful commits.
    @Test func casRace() async throws {
        try await withKv { kv, _, _ in
            try await kv.set(["counter"], 0)
            let successes = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        var won = 0
                        for _ in 0..<25 {
                            while true {
                                let e = try await kv.get(["counter"])
                                guard case .number(let n)? = e.value else { return -1 }
                                if try await kv.atomic().check(["counter"], versionstamp: e.versionstamp).set(["counter"], .number(n + 1)).commit().ok {
                                    won += 1
                                    break
                                }
                            }
                        }
                        return won
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(successes == 400)
            #expect(try await kv.get(["counter"]).value == .number(Double(successes)))
        }
    }

    @Test func watchEmitsOnChange() async throws {
        try await withKv { kv, _, _ in
            try await kv.set(["w"], 1)
            let stream = try kv.watch([["w"], ["other"]])
            var it = stream.makeAsyncIterator()
            let first = try await it.next()
            #expect(first?.map(\.value) == [1, nil])
            try await kv.set(["unrelated"], 1)
            try await kv.set(["w"], 2)
            let second = try await it.next()
            #expect(second?.map(\.value) == [2, nil])
            #expect(throws: KvError(.tooManyWatchKeys, "Too many keys (max 10)")) { try kv.watch(Array(repeating: ["a"], count: 11)) }
            let prefix = try kv.watchPrefix(.prefix(["p"]))
            var pit = prefix.makeAsyncIterator()
            try await Task.sleep(for: .milliseconds(20))
            try await kv.set(["p", "x"], "hello")
            let changed = try await pit.next()
            #expect(changed?.map(\.key) == [["p", "x"]])
        }
    }
}

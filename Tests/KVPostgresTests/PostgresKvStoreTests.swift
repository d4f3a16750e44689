import EdgeTesting
import KV
@testable import KVPostgres
import Testing

/// The PostgreSQL store on a real server: Deno semantics (the full golden set runs in
/// `conformance/check.sh` with KV_CONFORMANCE_STORE=postgres; these pin the store-specific parts).
@Suite(.serialized) struct PostgresKvStoreTests {
    @Test func keysComeBackInDenoOrderWithLimitsAndCursors() async throws {
        try await withPostgres { pg in
            let kv = try await open(pg)
            defer { kv.close() }
            // Deno order: bytes < strings < numbers < bigints < booleans, and -1 < 0 < 1.5.
            let keys: [KvKey] = [["k", true], ["k", .number(1.5)], ["k", "b"], ["k", .number(-1)], ["k", .bytes([0xFF])], ["k", "a"], ["k", .number(0)], ["k", false]]
            for (i, k) in keys.enumerated() { try await kv.set(k, .number(Double(i))) }
            let all = try await kv.list(.prefix(["k"])).collect().entries.map(\.key)
            #expect(all == [["k", .bytes([0xFF])], ["k", "a"], ["k", "b"], ["k", .number(-1)], ["k", .number(0)], ["k", .number(1.5)], ["k", false], ["k", true]])
            let page = try await kv.list(.prefix(["k"]), options: KvListOptions(limit: 3)).collect()
            #expect(page.entries.map(\.key) == Array(all.prefix(3)))
            let next = try await kv.list(.prefix(["k"]), options: KvListOptions(limit: 3, cursor: page.cursor)).collect()
            #expect(next.entries.map(\.key) == Array(all[3..<6]))
            let reversed = try await kv.list(.prefix(["k"]), options: KvListOptions(limit: 2, reverse: true)).collect()
            #expect(reversed.entries.map(\.key) == [["k", true], ["k", false]])
            #expect(try kv.count(.prefix(["k"])) == 8)
        }
    }

    @Test func atomicChecksAndU64MutationsAreAllOrNothing() async throws {
        try await withPostgres { pg in
            let kv = try await open(pg)
            defer { kv.close() }
            let first = try await kv.set(["n"], .u64(KvU64(UInt64.max)))
            #expect(first.ok)
            let sum = try await kv.atomic().sum(["n"], KvU64(2)).min(["lo"], KvU64(7)).max(["hi"], KvU64(9)).commit()
            #expect(sum.ok)
            #expect(try await kv.get(["n"]).value == .u64(KvU64(1)), "sum wraps modulo 2^64")
            #expect(try await kv.get(["lo"]).value == .u64(KvU64(7)))
            // A stale check fails and writes nothing.
            let stale = try await kv.atomic().check(["n"], versionstamp: first.versionstamp).set(["x"], "no").commit()
            #expect(!stale.ok)
            #expect(try await kv.get(["x"]).versionstamp == nil)
            // A type mismatch throws and writes nothing, not even the earlier mutation.
            try await kv.set(["s"], "text")
            await #expect(throws: KvError.self) { try await kv.atomic().set(["y"], 1).sum(["s"], KvU64(1)).commit() }
            #expect(try await kv.get(["y"]).versionstamp == nil)
        }
    }

    @Test func expiryIsStrictAgainstTheInjectedClock() async throws {
        try await withPostgres { pg in
            let clock = ManualKvClock()
            let kv = try await open(pg, clock: clock)
            defer { kv.close() }
            try await kv.set(["e"], "soon", expireIn: 1000)
            clock.advance(by: 999)
            #expect(try await kv.get(["e"]).value == "soon")
            clock.advance(by: 1)
            #expect(try await kv.get(["e"]).versionstamp == nil, "invisible from the instant it expires")
            #expect(try await kv.list(.prefix(["e"])).collect().entries.isEmpty)
            #expect(try await kv.atomic().check(["e"], versionstamp: nil).set(["e"], "again").commit().ok, "an expired key counts as absent")
        }
    }

    @Test func concurrentCommitsOfOneInstanceGetDistinctIncreasingVersionstamps() async throws {
        try await withPostgres { pg in
            let kv = try await open(pg)
            defer { kv.close() }
            try await kv.set(["c"], .u64(KvU64(0)))
            let stamps = try await withThrowingTaskGroup(of: Versionstamp.self) { group in
                for i in 0..<200 {
                    group.addTask {
                        let r = try await kv.atomic().sum(["c"], KvU64(1)).set(["i", .number(Double(i))], .number(Double(i))).commit()
                        return try #require(r.versionstamp)
                    }
                }
                var out: [Versionstamp] = []
                for try await v in group { out.append(v) }
                return out
            }
            #expect(Set(stamps).count == 200)
            #expect(try await kv.get(["c"]).value == .u64(KvU64(200)), "every sum applied exactly once")
        }
    }

    @Test func exportAndImportRoundTrip() async throws {
        try await withPostgres { pg in
            let kv = try await open(pg)
            defer { kv.close() }
            try await kv.set(["a", 1], ["x": 1])
            try await kv.set(["b"], .u64(KvU64(5)))
            var lines: [String] = []
            #expect(try kv.exportJSONLines { lines.append($0) } == 2)
            let store = try #require(kv.store as? PostgresKvStore)
            try await store.eraseAllDataForTesting()
            #expect(try kv.count(.prefix([])) == 0)
            let entries = try Kv.parseJSONLines(lines.map { Substring($0) })
            #expect(try await kv.importEntries(entries) == 2)
            #expect(try await kv.get(["a", 1]).value == ["x": 1])
            #expect(try await kv.get(["b"]).value == .u64(KvU64(5)))
        }
    }
}

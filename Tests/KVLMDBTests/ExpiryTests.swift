import Foundation
import Testing
import KV
@testable import KVLMDB

/// Strict expiry: invisible to every read from the instant it expires; the sweeper reclaims it.
@Suite struct ExpiryTests {
    @Test func invisibleAfterExpiryAndSwept() async throws {
        let clock = ManualKvClock()
        try await withKv(options: .init(mapSize: 64 << 20, clock: clock)) { kv, store, _ in
            try await kv.set(["s", 1], "short", expireIn: 3000)
            try await kv.set(["s", 2], "long")
            try await kv.set(["s", 3], "zero", expireIn: 0)
            #expect(try await kv.get(["s", 3]).versionstamp == nil, "expireIn 0 is already expired")
            #expect(try await kv.get(["s", 1]).value == "short")
            clock.advance(by: 2999)
            #expect(try await kv.get(["s", 1]).value == "short", "visible until its instant")
            clock.advance(by: 1)
            #expect(try await kv.get(["s", 1]).versionstamp == nil)
            #expect(try await kv.getMany([["s", 1], ["s", 2]]).map(\.value) == [nil, "long"])
            #expect(try await kv.list(.prefix(["s"])).collect().entries.map(\.key) == [["s", 2]])
            #expect(try kv.count(.prefix(["s"])) == 1)
            #expect(try await kv.atomic().check(["s", 1], versionstamp: nil).set(["s", 1], "again").commit().ok)
            #expect(try await kv.get(["s", 1]).value == "again")
            // The sweeper (on the writer thread's tick) deletes the expired record and its index entry.
            try await kv.set(["t"], "gone soon", expireIn: 50)
            clock.advance(by: 50)
            let deadline = Date().addingTimeInterval(5)
            var indexEntries = -1
            while Date() < deadline {
                indexEntries = try store.env.withReadTxn { (t: borrowing LMDBTxn) throws(KvError) -> Int in (try? t.entryCount(store.dbs.expiry)) ?? -1 }
                if indexEntries == 0 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(indexEntries == 0)
            let raw = try store.env.withReadTxn { (t: borrowing LMDBTxn) throws(KvError) -> KvStoredRecord? in try t.record(store.dbs, try KeyCodec.encode(["t"])) }
            #expect(raw == nil)
        }
    }

    @Test func setWithoutExpireInClearsExpiry() async throws {
        let clock = ManualKvClock()
        try await withKv(options: .init(mapSize: 64 << 20, clock: clock)) { kv, _, _ in
            try await kv.set(["k"], 1, expireIn: 100)
            try await kv.set(["k"], 2)
            clock.advance(by: 150)
            #expect(try await kv.get(["k"]).value == 2)
        }
    }
}

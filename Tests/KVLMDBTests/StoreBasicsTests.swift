import Foundation
import Testing
import KV
@testable import KVLMDB

@Suite struct StoreBasicsTests {
    @Test func crudAndPersistence() async throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        var last: Versionstamp
        do {
            let kv = try Kv.open(path: dir.path)
            let r = try await kv.set(["users", "alice"], ["age": 30])
            #expect(r.ok)
            let e = try await kv.get(["users", "alice"])
            #expect(e.value == ["age": 30])
            #expect(e.versionstamp == r.versionstamp)
            #expect(try await kv.get(["users", "bob"]).versionstamp == nil)
            #expect(try await kv.get([]).versionstamp == nil)
            try await kv.delete(["users", "alice"])
            #expect(try await kv.get(["users", "alice"]).value == nil)
            last = try await kv.set(["k"], 1).versionstamp!
            kv.close()
            await #expect(throws: KvError.closedError) { try await kv.get(["k"]) }
        }
        let kv = try Kv.open(path: dir.path)
        defer { kv.close() }
        #expect(try await kv.get(["k"]).value == 1)
        let next = try await kv.set(["k"], 2).versionstamp!
        #expect(next > last, "versionstamps keep increasing across restarts")
    }

    @Test func typedCodable() async throws {
        struct User: Codable, Equatable, Sendable { var name: String; var tags: [String] }
        try await withKv { kv, _, _ in
            try await kv.set(["u", 1], encoding: User(name: "ann", tags: ["a"]))
            let got = try await kv.get(["u", 1], as: User.self)
            #expect(got?.value == User(name: "ann", tags: ["a"]))
            #expect(try await kv.get(["u", 2], as: User.self) == nil)
            let tree = try await kv.get(["u", 1]).value
            #expect(tree?[member: "name"] == "ann" && tree?[member: "tags"] == ["a"])
            try await kv.set(["raw"], .bytes([0, 1, 2]))
            #expect(try await kv.get(["raw"]).stored?.encoding == .bytes)
        }
    }

    @Test func getManyAndLimits() async throws {
        try await withKv { kv, _, _ in
            try await kv.set(["user", 1], "ann")
            try await kv.set(["user", 3], "cid")
            let r = try await kv.getMany([["user", 3], ["user", 2], ["user", 1]])
            #expect(r.map(\.value) == ["cid", nil, "ann"])
            await #expect(throws: KvError(.tooManyRanges, "Too many ranges (max 10)")) {
                try await kv.getMany(Array(repeating: ["a"], count: 11))
            }
            await #expect(throws: KvError(.keyTooLargeWrite, "Key too large for write (max 2048 bytes)")) {
                try await kv.set([.string(String(repeating: "x", count: 3000))], 1)
            }
            await #expect(throws: KvError(.keyTooLargeRead, "Key too large for read (max 2049 bytes)")) {
                try await kv.get([.string(String(repeating: "x", count: 2047))])
            }
        }
    }

    @Test func atomicChecksAndU64() async throws {
        try await withKv { kv, _, _ in
            let a = try await kv.set(["acct"], 100)
            let ok = try await kv.atomic().check(["acct"], versionstamp: a.versionstamp).set(["acct"], 90).sum(["n"], 5).commit()
            #expect(ok.ok)
            let stale = try await kv.atomic().check(["acct"], versionstamp: a.versionstamp).set(["acct"], 80).commit()
            #expect(stale == .failed)
            #expect(try await kv.get(["acct"]).value == 90)
            #expect(try await kv.get(["n"]).value == .u64(5))
            #expect(try await kv.get(["acct"]).versionstamp == ok.versionstamp)
            await #expect(throws: KvError.self) { try await kv.atomic().set(["side"], 1).sum(["acct"], 1).commit() }
            #expect(try await kv.get(["side"]).versionstamp == nil, "a failed commit writes nothing")
        }
    }

    @Test func listPagingCursorAndCount() async throws {
        try await withKv { kv, _, _ in
            for i in 0..<25 { try await kv.set(["log", .number(Double(i))], .number(Double(i))) }
            try await kv.set(["log"], "prefix key itself")
            let all = try await kv.list(.prefix(["log"])).collect()
            #expect(all.entries.count == 25)
            #expect(all.cursor == "")
            var seen: [Double] = []
            var cursor: String? = nil
            repeat {
                let page = try await kv.list(.prefix(["log"]), options: .init(limit: 10, reverse: true, cursor: cursor)).collect()
                seen += page.entries.compactMap { if case .number(let d) = $0.value { d } else { nil } }
                cursor = page.cursor.isEmpty ? nil : page.cursor
            } while cursor != nil
            #expect(seen == (0..<25).reversed().map(Double.init))
            #expect(try kv.count(.prefix(["log"])) == 25)
            let keys = try await kv.listKeys(.prefix(["log"]), options: .init(limit: 3)).collect()
            #expect(keys.entries.allSatisfy { $0.stored == nil } && keys.entries.count == 3)
            #expect(try await kv.deleteRange(.range(start: ["log", 0], end: ["log", 10])) == 10)
            #expect(try kv.count(.prefix(["log"])) == 15)
            #expect(throws: KvError(.invalidLimit, "Limit must be a positive integer: received 0", jsClass: "Error")) {
                try kv.list(.prefix([]), options: .init(limit: 0))
            }
        }
    }
}

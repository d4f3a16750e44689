import Testing
import KV
@testable import KVLMDB

/// Keys longer than LMDB's 511-byte limit (up to Deno's 2048) are accepted and listed in Deno's order.
@Suite struct LongKeyTests {
    static func keys() -> [KvKey] {
        let shared = String(repeating: "p", count: 600)  // heads (480 bytes) equal for these
        var out: [KvKey] = [["a"], ["a", "z"], ["b"]]
        for n in [470, 478, 479, 480, 481, 500, 511, 512, 1000, 2040] {
            out.append(["k", .string(String(repeating: "x", count: n))])
            out.append(["k", .string(String(repeating: "x", count: n) + "a")])
        }
        for s in ["", "\u{0}", "a", "b", "ab", "zz"] { out.append(["k", .string(shared + s)]) }
        for i in 0..<5 { out.append(["k", .string(shared), .number(Double(i))]) }
        out.append(["k", .string(String(repeating: "y", count: 1500)), .bigint(7)])
        return out
    }

    @Test func orderGetListReverseAndPaging() async throws {
        try await withKv { kv, store, _ in
            let keys = Self.keys()
            for (i, k) in keys.enumerated().shuffled() { try await kv.set(k, .number(Double(i))) }
            let sorted = try keys.sorted { try KeyCodec.encode($0).lexicographicallyPrecedes(try KeyCodec.encode($1)) }
            for (i, k) in keys.enumerated() { #expect(try await kv.get(k).value == .number(Double(i))) }
            let all = try await kv.list(.prefix([])).collect().entries.map(\.key)
            #expect(all == sorted)
            let rev = try await kv.list(.prefix([]), options: .init(reverse: true)).collect().entries.map(\.key)
            #expect(rev == sorted.reversed())
            // Paging with small batches crosses short/long boundaries.
            let paged = try await kv.list(.prefix(["k"]), options: .init(batchSize: 3)).collect().entries.map(\.key)
            #expect(paged == sorted.filter { $0.first == "k" })
            let revPaged = try await kv.list(.prefix(["k"]), options: .init(reverse: true, batchSize: 2)).collect().entries.map(\.key)
            #expect(revPaged == sorted.filter { $0.first == "k" }.reversed())
            // A range whose bounds are long keys.
            let lo = sorted[8], hi = sorted[sorted.count - 4]
            let ranged = try await kv.list(.range(start: lo, end: hi)).collect().entries.map(\.key)
            #expect(ranged == Array(sorted[8..<(sorted.count - 4)]))
            #expect(try kv.count(.prefix(["k"])) == keys.count - 3)
            let longEntries = try store.env.withReadTxn { (t: borrowing LMDBTxn) throws(KvError) -> Int in
                (try? t.entryCount(store.dbs.long)) ?? 0
            }
            #expect(longEntries > 0)
            // Delete and overwrite long keys.
            try await kv.delete(keys.last!)
            #expect(try await kv.get(keys.last!).versionstamp == nil)
            #expect(try await kv.deleteRange(.prefix(["k"])) == keys.count - 4)
            #expect(try kv.count(.prefix([])) == 3)
        }
    }
}

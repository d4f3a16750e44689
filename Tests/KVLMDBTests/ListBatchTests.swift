import Testing
import KV
@testable import KVLMDB

/// Lists read through packed batches (`KvReadBatch`, Docs/Decisions/0026): every combination of
/// batch size, limit, direction and keys-only returns exactly the expected slice of the key order,
/// with values, versionstamps and resumable cursors, the same through `collect()` and `next()`.
@Suite struct ListBatchTests {
    static let count = 40

    @Test func batchesLimitsDirectionsAndCursors() async throws {
        try await withKv { kv, _, _ in
            var stamps: [Versionstamp] = []
            for i in 0..<Self.count {
                // Values of growing size, so entries in one batch have different lengths.
                let r = try await kv.set(["b", .number(Double(i))], .string(String(repeating: "v", count: i)))
                stamps.append(try #require(r.versionstamp))
            }
            try await kv.set(["b"], "the prefix key itself is not listed")
            try await kv.set(["c", 0], "outside the prefix")
            for batchSize in [1, 3, 7, 40, 1000] {
                for limit in [nil, 1, 5, 39, 41] as [Int?] {
                    for reverse in [false, true] {
                        for keysOnly in [false, true] {
                            let options = KvListOptions(limit: limit, reverse: reverse, batchSize: batchSize, keysOnly: keysOnly)
                            let order = reverse ? Array((0..<Self.count).reversed()) : Array(0..<Self.count)
                            let expected = Array(order.prefix(limit ?? Self.count))
                            let got = try await kv.list(.prefix(["b"]), options: options).collect()
                            let label = "batchSize \(batchSize) limit \(String(describing: limit)) reverse \(reverse) keysOnly \(keysOnly)"
                            #expect(got.entries.map(\.key) == expected.map { ["b", .number(Double($0))] }, "\(label)")
                            #expect(got.entries.map(\.versionstamp) == expected.map { stamps[$0] }, "\(label)")
                            if keysOnly {
                                #expect(got.entries.allSatisfy { $0.stored == nil && $0.value == nil }, "\(label)")
                            } else {
                                #expect(got.entries.map(\.value) == expected.map { .string(String(repeating: "v", count: $0)) }, "\(label)")
                            }
                            // The same entries one at a time through the async iterator.
                            var stepped: [KvKey] = []
                            for try await e in try kv.list(.prefix(["b"]), options: options) { stepped.append(e.key) }
                            #expect(stepped == got.entries.map(\.key), "\(label)")
                            // The cursor resumes right after the last entry returned.
                            let rest = try await kv.list(.prefix(["b"]), options: .init(reverse: reverse, cursor: got.cursor, batchSize: batchSize)).collect()
                            if got.cursor.isEmpty {
                                #expect(expected.count == Self.count, "\(label): an empty cursor only after the last entry")
                            } else {
                                #expect(rest.entries.map(\.key) == order.dropFirst(expected.count).map { ["b", .number(Double($0))] }, "\(label)")
                            }
                        }
                    }
                }
            }
        }
    }

    /// Entries outlive their iterator and batch owner: keys, values and encoded keys stay valid
    /// after the store has moved on (they share the batch's buffer, never LMDB's memory).
    @Test func entriesOutliveLaterWrites() async throws {
        try await withKv { kv, _, _ in
            for i in 0..<10 { try await kv.set(["k", .number(Double(i))], .number(Double(i))) }
            let entries = try await kv.list(.prefix(["k"]), options: .init(batchSize: 4)).collect().entries
            for i in 0..<10 { try await kv.set(["k", .number(Double(i))], "overwritten") }
            _ = try await kv.deleteRange(.prefix(["k"]))
            #expect(entries.map(\.value) == (0..<10).map { .number(Double($0)) })
            let encoded = try (0..<10).map { (i: Int) throws(KvError) -> [UInt8] in try KeyCodec.encode(["k", .number(Double(i))]) }
            #expect(entries.map(\.encodedKey) == encoded)
        }
    }
}

import Testing
@testable import KV

func hex(_ b: [UInt8]) -> String { b.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined(separator: " ") }

@Suite struct KeyCodecTests {
    /// Encodings verified against Deno 2.9.8 (DENO-KV.md §2).
    @Test(arguments: [
        (["users", "alice"] as KvKey, "02 75 73 65 72 73 00 02 61 6c 69 63 65 00"),
        ([""], "02 00"),
        (["a\u{0}b"], "02 61 00 ff 62 00"),
        ([.bytes([0, 1, 255])], "01 00 ff 01 ff 00"),
        ([.bigint(0)], "14"),
        ([.bigint(1)], "15 01"),
        ([.bigint(256)], "16 01 00"),
        ([.bigint(-1)], "13 fe"),
        ([.bigint(-256)], "12 fe ff"),
        ([.bigint(KvBigInt("18446744073709551616")!)], "1d 09 01 00 00 00 00 00 00 00 00"),
        ([.bigint(KvBigInt("-18446744073709551616")!)], "0b f6 fe ff ff ff ff ff ff ff ff"),
        ([0], "21 80 00 00 00 00 00 00 00"),
        ([.number(-0.0)], "21 7f ff ff ff ff ff ff ff"),
        ([1], "21 bf f0 00 00 00 00 00 00"),
        ([-1], "21 40 0f ff ff ff ff ff ff"),
        ([.number(.nan)], "21 ff f8 00 00 00 00 00 00"),
        ([false], "26"),
        ([true], "27"),
        (["a", .bigint(1), true], "02 61 00 15 01 27"),
    ])
    func encoding(key: KvKey, expected: String) throws {
        let e = try KeyCodec.encode(key)
        #expect(hex(e) == expected)
        let back = try KeyCodec.decode(e)
        #expect(try KeyCodec.encode(back) == e)
    }

    /// Deno's order, across and within types (DENO-KV.md §3), as a table of strictly increasing keys.
    @Test func orderTable() throws {
        let ordered: [KvKey] = [
            [.bytes([])], [.bytes([0])], [.bytes([0, 0])], [.bytes([0, 1])], [.bytes([0, 255])], [.bytes([1])], [.bytes([1, 0])], [.bytes([255])],
            [""], ["\u{0}"], ["B"], ["a"], ["a\u{0}"], ["ab"], ["z"], ["é"], ["\u{FFFF}"], ["😀"],
            [.bigint(KvBigInt("-18446744073709551616")!)], [.bigint(-256)], [.bigint(-255)], [.bigint(-1)], [.bigint(0)], [.bigint(1)],
            [.bigint(255)], [.bigint(256)], [.bigint(KvBigInt("18446744073709551616")!)],
            [.number(-Double.nan)], [.number(-.infinity)], [-1], [-0.5], [.number(-0.0)], [0], [0.5], [1], [.number(.infinity)], [.number(.nan)],
            [false], [true],
        ]
        for (a, b) in zip(ordered, ordered.dropFirst()) {
            #expect(try KeyCodec.encode(a).lexicographicallyPrecedes(KeyCodec.encode(b)), "\(a) < \(b)")
        }
    }

    @Test func tupleOrder() throws {
        let ordered: [KvKey] = [["a"], ["a", ""], ["a", "z"], ["a", "z", "z"], ["a", 1], ["a", true], ["a\u{0}"], ["b"]]
        for (a, b) in zip(ordered, ordered.dropFirst()) {
            #expect(try KeyCodec.encode(a).lexicographicallyPrecedes(KeyCodec.encode(b)), "\(a) < \(b)")
        }
    }

    @Test func literalsAndDistinctTypes() throws {
        let k: KvKey = ["prompts", "by_id", 42]
        #expect(k[2] == .number(42))
        #expect(KvKeyPart.number(1) != .bigint(1))
        #expect(KvKeyPart.number(0) != .number(-0.0))
        #expect(try KeyCodec.decode(KeyCodec.encode([.number(-0.0)])) == [.number(-0.0)])
    }

    @Test func bigintTooLargeIsAnError() {
        let huge = KvBigInt(isNegative: false, magnitude: [UInt8](repeating: 0xFF, count: 256))
        #expect(throws: KvError.self) { try KeyCodec.encode([.bigint(huge)]) }
    }

    @Test func bigintDecimalRoundTrip() {
        for s in ["0", "1", "-1", "255", "-256", "18446744073709551616", "-123456789012345678901234567890"] {
            #expect(KvBigInt(s)?.description == s)
        }
        #expect(KvBigInt("12a") == nil)
        #expect(KvBigInt(-5).intValue == -5)
    }

    @Test func garbageKeyBytesAreRejected() {
        #expect(throws: KvError.self) { try KeyCodec.decode([0x02, 0x61]) }
        #expect(throws: KvError.self) { try KeyCodec.decode([0x99]) }
        #expect(throws: KvError.self) { try KeyCodec.decode([0x21, 0x00]) }
    }
}

import Testing
@testable import KV

@Suite struct SelectorTests {
    @Test func prefixRange() throws {
        let s = try KvListSelector.prefix(["a"]).resolve()
        #expect(s.rangeStart == [2, 0x61, 0, 0])
        #expect(s.rangeEnd == [2, 0x61, 0, 0xFF])
        #expect(s.cursor(after: try KeyCodec.encode(["a", "b"])) == "AmIA")
    }

    @Test func selectorShapeErrors() {
        #expect(throws: KvError(.invalidSelector, "Selector must specify either 'prefix' or both 'start' and 'end' key")) {
            try KvListSelector(prefix: nil, start: ["a"], end: nil)
        }
        #expect(throws: KvError(.invalidSelector, "Selector can not specify both 'start' and 'end' key when specifying 'prefix'")) {
            try KvListSelector(prefix: ["a"], start: ["a", 1], end: ["a", 2])
        }
    }

    @Test func keyspaceErrors() {
        #expect(throws: KvError(.startOutsidePrefix, "Start key is not in the keyspace defined by prefix")) {
            try KvListSelector.prefixStart(prefix: ["a"], start: ["a"]).resolve()
        }
        #expect(throws: KvError(.endOutsidePrefix, "End key is not in the keyspace defined by prefix")) {
            try KvListSelector.prefixEnd(prefix: ["a"], end: ["b"]).resolve()
        }
        #expect(throws: KvError(.startGtEnd, "Start key is greater than end key")) {
            try KvListSelector.range(start: ["b"], end: ["a"]).resolve()
        }
    }

    @Test func cursorBounds() throws {
        let s = try KvListSelector.range(start: ["a", 2], end: ["a", 5]).resolve()
        #expect(throws: KvError(.invalidCursor, "invalid cursor")) { try s.bounds(reverse: false, cursor: "!!") }
        let before = Base64URL.encode([0x00])
        #expect(throws: KvError(.cursorOutOfBounds, "cursor out of bounds")) { try s.bounds(reverse: false, cursor: before) }
        let inside = s.cursor(after: try KeyCodec.encode(["a", 3]))
        let (start, end) = try s.bounds(reverse: false, cursor: inside)
        #expect(start == (try KeyCodec.encode(["a", 3])) + [0])
        #expect(end == (try KeyCodec.encode(["a", 5])))
    }

    @Test func base64url() {
        #expect(Base64URL.encode([2, 0x62, 0]) == "AmIA")
        #expect(Base64URL.encode([1]) == "AQ==")
        #expect(Base64URL.decode("AQ==", canonical: true) == [1])
        #expect(Base64URL.decode("AQ", canonical: true) == nil)
        #expect(Base64URL.decode("AQ") == [1])
    }
}

import Testing
@testable import KV

/// The chunked sorted map against a dictionary model.
@Suite struct MemoryKvSortedMapTests {
    /// A deterministic pseudo-random generator (xorshift).
    struct Rng {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Int(state % UInt64(bound))
        }
    }

    static func key(_ n: Int) -> [UInt8] {
        // Variable length keys so prefixes occur (e.g. [1] before [1, 0]).
        var k: [UInt8] = []
        var x = n
        repeat {
            k.append(UInt8(x % 7))
            x /= 7
        } while x > 0
        return k
    }

    @Test func matchesADictionary() {
        var map = MemoryKvSortedMap<Int>()
        var model: [[UInt8]: Int] = [:]
        var rng = Rng(state: 0x9E37_79B9_7F4A_7C15)
        for step in 0..<20_000 {
            let k = Self.key(rng.next(5000))
            switch rng.next(10) {
            case 0..<6:
                #expect(map.set(k, step) == model[k])
                model[k] = step
            case 6..<9:
                #expect(map.set(k, nil) == model[k])
                model[k] = nil
            default:
                let e = Self.key(rng.next(5000))
                let removed = map.removeRange(start: k, end: e)
                let expected = model.keys.filter { compareBytes($0, k) >= 0 && compareBytes($0, e) < 0 }
                #expect(removed.count == expected.count)
                for x in expected { model[x] = nil }
            }
        }
        let sorted = model.keys.sorted { compareBytes($0, $1) < 0 }
        #expect(map.count == model.count)
        #expect(map.chunks.allSatisfy { !$0.isEmpty && $0.count <= MemoryKvSortedMap<Int>.maxChunk })
        var all: [[UInt8]] = []
        map.forEach(start: [], end: [0xFF]) { all.append($0.key); return true }
        #expect(all == sorted)
        var back: [[UInt8]] = []
        map.forEach(start: [], end: [0xFF], reverse: true) { back.append($0.key); return true }
        #expect(back == sorted.reversed())
        for k in sorted.prefix(200) { #expect(map.get(k) == model[k]) }
    }

    @Test func bytewiseOrderPutsPrefixesFirst() {
        #expect(compareBytes([1], [1, 0]) < 0)
        #expect(compareBytes([1, 0xFF], [2]) < 0)
        #expect(compareBytes([], [0]) < 0)
        #expect(compareBytes([3, 4], [3, 4]) == 0)
    }
}

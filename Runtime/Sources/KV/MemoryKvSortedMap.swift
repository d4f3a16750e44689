#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An ordered map from byte strings to values, in bytewise key order (shorter prefix first, like
/// LMDB's default comparator): the storage of `MemoryKvStore`.
///
/// Entries live in sorted chunks of at most `maxChunk` entries (chunk `i`'s keys all precede
/// chunk `i+1`'s), so a point lookup is two binary searches and an insert or delete moves at most
/// one chunk: O(log n + maxChunk) per operation, never O(n).
struct MemoryKvSortedMap<Value> {
    struct Element {
        var key: [UInt8]
        var value: Value
    }

    /// A chunk splits in two when it grows past this many entries.
    static var maxChunk: Int { 512 }

    /// Non-empty sorted chunks.
    private(set) var chunks: [[Element]] = []
    private(set) var count = 0

    /// A place in the map: `chunk == chunks.count` is the end.
    struct Position: Equatable {
        var chunk: Int
        var offset: Int
    }

    var first: Element? { chunks.first?.first }

    /// The first position whose key is `>= key`.
    func lowerBound(_ key: [UInt8]) -> Position {
        var lo = 0, hi = chunks.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if compareBytes(chunks[mid][chunks[mid].count - 1].key, key) < 0 { lo = mid + 1 } else { hi = mid }
        }
        if lo == chunks.count { return Position(chunk: lo, offset: 0) }
        let chunk = chunks[lo]
        var a = 0, b = chunk.count
        while a < b {
            let mid = (a + b) / 2
            if compareBytes(chunk[mid].key, key) < 0 { a = mid + 1 } else { b = mid }
        }
        return Position(chunk: lo, offset: a)
    }

    subscript(position: Position) -> Element { chunks[position.chunk][position.offset] }

    func isEnd(_ p: Position) -> Bool { p.chunk >= chunks.count }

    func next(_ p: Position) -> Position {
        p.offset + 1 < chunks[p.chunk].count ? Position(chunk: p.chunk, offset: p.offset + 1) : Position(chunk: p.chunk + 1, offset: 0)
    }

    /// The position before `p`, nil at the start.
    func previous(_ p: Position) -> Position? {
        if p.offset > 0 { return Position(chunk: p.chunk, offset: p.offset - 1) }
        if p.chunk == 0 { return nil }
        return Position(chunk: p.chunk - 1, offset: chunks[p.chunk - 1].count - 1)
    }

    func get(_ key: [UInt8]) -> Value? {
        let p = lowerBound(key)
        guard !isEnd(p), self[p].key == key else { return nil }
        return self[p].value
    }

    /// Sets (or, with nil, removes) the value of `key`; returns the previous value.
    @discardableResult
    mutating func set(_ key: [UInt8], _ value: Value?) -> Value? {
        let p = lowerBound(key)
        let found = !isEnd(p) && self[p].key == key
        let old = found ? self[p].value : nil
        switch (found, value) {
        case (true, let v?):
            chunks[p.chunk][p.offset].value = v
        case (true, nil):
            chunks[p.chunk].remove(at: p.offset)
            if chunks[p.chunk].isEmpty { chunks.remove(at: p.chunk) }
            count -= 1
        case (false, let v?):
            if chunks.isEmpty {
                chunks.append([Element(key: key, value: v)])
            } else if isEnd(p) {
                chunks[chunks.count - 1].append(Element(key: key, value: v))
                splitIfNeeded(chunks.count - 1)
            } else {
                chunks[p.chunk].insert(Element(key: key, value: v), at: p.offset)
                splitIfNeeded(p.chunk)
            }
            count += 1
        case (false, nil):
            break
        }
        return old
    }

    /// Calls `body` for the entries with keys in `[start, end)`, ascending (or descending with
    /// `reverse`), until it returns false.
    func forEach(start: [UInt8], end: [UInt8], reverse: Bool = false, _ body: (Element) -> Bool) {
        guard compareBytes(start, end) < 0 else { return }
        if !reverse {
            var p = lowerBound(start)
            while !isEnd(p) {
                let e = self[p]
                if compareBytes(e.key, end) >= 0 || !body(e) { return }
                p = next(p)
            }
        } else {
            var p = previous(lowerBound(end))
            while let q = p {
                let e = self[q]
                if compareBytes(e.key, start) < 0 || !body(e) { return }
                p = previous(q)
            }
        }
    }

    /// Removes every entry with a key in `[start, end)`; returns the removed entries in order.
    mutating func removeRange(start: [UInt8], end: [UInt8]) -> [Element] {
        guard compareBytes(start, end) < 0 else { return [] }
        let lo = lowerBound(start), hi = lowerBound(end)
        if isEnd(lo) || lo == hi { return [] }
        var removed: [Element] = []
        var p = lo
        while p != hi {
            removed.append(self[p])
            p = next(p)
        }
        if lo.chunk == hi.chunk {
            chunks[lo.chunk].removeSubrange(lo.offset..<hi.offset)
        } else {
            let head = chunks[lo.chunk][..<lo.offset]
            let tail = isEnd(hi) ? [] : chunks[hi.chunk][hi.offset...]
            let last = isEnd(hi) ? chunks.count - 1 : hi.chunk
            chunks.replaceSubrange(lo.chunk...last, with: [Array(head) + Array(tail)])
            splitIfNeeded(lo.chunk)
        }
        if chunks[lo.chunk].isEmpty { chunks.remove(at: lo.chunk) }
        count -= removed.count
        return removed
    }

    private mutating func splitIfNeeded(_ c: Int) {
        guard chunks[c].count > Self.maxChunk else { return }
        let half = chunks[c].count / 2
        let upper = Array(chunks[c][half...])
        chunks[c].removeSubrange(half...)
        chunks.insert(upper, at: c + 1)
    }
}

/// Bytewise three-way comparison (a proper prefix sorts first): the key order of every store.
@inline(__always)
func compareBytes(_ a: [UInt8], _ b: [UInt8]) -> Int {
    a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb -> Int in
            let n = Swift.min(pa.count, pb.count)
            if n > 0 {
                let c = memcmp(pa.baseAddress!, pb.baseAddress!, n)
                if c != 0 { return c < 0 ? -1 : 1 }
            }
            return pa.count < pb.count ? -1 : (pa.count > pb.count ? 1 : 0)
        }
    }
}

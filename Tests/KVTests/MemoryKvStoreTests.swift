import Synchronization
import Testing
@testable import KV

/// `MemoryKvStore` through the `Kv` facade, with a `ManualKvClock` (no test sleeps for time).
@Suite struct MemoryKvStoreTests {
    let clock = ManualKvClock()
    let store: MemoryKvStore
    let kv: Kv

    init() {
        store = MemoryKvStore(clock: clock)
        kv = Kv(store: store)
    }

    @Test func kvUsesTheStoreClock() {
        #expect(kv.clock.nowMs() == ManualKvClock.defaultStartMs)
        clock.advance(by: 5)
        #expect(kv.clock.nowMs() == ManualKvClock.defaultStartMs + 5)
        #expect(Kv(store: MemoryKvStore()).clock is KvSystemClock)
    }

    @Test func expiryFollowsTheManualClock() async throws {
        try await kv.set(["session"], "x", expireIn: 60_000)
        try await kv.set(["keep"], "y")
        #expect(try await kv.get(["session"]).value == "x")
        clock.advance(by: 59_999)
        #expect(try await kv.get(["session"]).value == "x")
        #expect(try kv.count(.prefix([])) == 2)
        clock.advance(by: 1)
        #expect(try await kv.get(["session"]).versionstamp == nil)
        #expect(try await kv.list(.prefix([])).collect().entries.map(\.key) == [["keep"]])
        #expect(try kv.count(.prefix([])) == 1)
        // An expired key is absent for checks too.
        #expect(try await kv.atomic().check(["session"], versionstamp: nil).set(["session"], "new").commit().ok)
    }

    @Test func expiryIsReportedToWatchers() async throws {
        let changes = store.changes(matching: { _ in true })
        var it = changes.makeAsyncIterator()
        try await kv.set(["t"], 1, expireIn: 1000)
        #expect(await it.next() == [try KeyCodec.encode(["t"])])
        clock.advance(by: 1000)
        // The sweeper wakes on the clock and reports the expired key.
        #expect(await it.next() == [try KeyCodec.encode(["t"])])
    }

    @Test func farExpiryOnTheSystemClock() async throws {
        let kv = Kv(store: MemoryKvStore())
        let far = Int(KvLimits.maxExpireAtMs - KvSystemClock().nowMs() - 60_000)
        try await kv.set(["far"], 1, expireIn: far)
        try await Task.sleep(nanoseconds: 2_000_000)  // the sweeper task starts its (sliced) sleep
        #expect(try await kv.get(["far"]).value == 1)
        kv.close()
    }

    @Test func versionstampsStrictlyIncrease() async throws {
        let a = try await kv.set(["a"], 1).versionstamp!
        let b = try await kv.set(["b"], 2).versionstamp!
        #expect(a < b)
        // A failed check uses no versionstamp.
        #expect(try await kv.atomic().check(["a"], versionstamp: nil).set(["a"], 3).commit() == .failed)
        let c = try await kv.atomic().set(["c"], 3).set(["d"], 4).setVersionstampedKey(["v"], 5).commit().versionstamp!
        #expect(c.counter == b.counter + 1)
        #expect(try await kv.get(["c"]).versionstamp == c)
        #expect(try await kv.get(["d"]).versionstamp == c)
        #expect(try await kv.get(["v", .string(c.hex)]).value == 5)
        let empty = try await kv.atomic().commit().versionstamp!
        #expect(empty > c)
        #expect(try store.currentVersionstamp() == empty)
    }

    @Test func concurrentCommitsAreSerializable() async throws {
        let kv = self.kv
        let stamps = try await withThrowingTaskGroup(of: [Versionstamp].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var out: [Versionstamp] = []
                    for _ in 0..<100 { out.append(try await kv.atomic().sum(["n"], 1).commit().versionstamp!) }
                    return out
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(Set(stamps).count == 800)
        #expect(try await kv.get(["n"]).value == .u64(800))
    }

    @Test func checkAndSet() async throws {
        let v1 = try await kv.set(["n"], 1).versionstamp
        let current = try await kv.get(["n"])
        #expect(try await kv.atomic().check(["n"], versionstamp: current.versionstamp).set(["n"], 2).commit().ok)
        // The stale versionstamp now fails, and nothing is written.
        #expect(try await kv.atomic().check(["n"], versionstamp: v1).set(["n"], 3).set(["side"], 1).commit() == .failed)
        #expect(try await kv.get(["n"]).value == 2)
        #expect(try await kv.get(["side"]).versionstamp == nil)
        #expect(try await kv.atomic().check(["n"], versionstamp: nil).set(["n"], 4).commit() == .failed)
        #expect(try await kv.atomic().check(["fresh"], versionstamp: nil).set(["fresh"], 4).commit().ok)
    }

    @Test func sumMinMax() async throws {
        _ = try await kv.atomic().sum(["s"], 5).sum(["s"], 7).min(["lo"], 9).min(["lo"], 3).max(["hi"], 2).max(["hi"], 8).commit()
        #expect(try await kv.get(["s"]).value == .u64(12))
        #expect(try await kv.get(["lo"]).value == .u64(3))
        #expect(try await kv.get(["hi"]).value == .u64(8))
        _ = try await kv.atomic().sum(["s"], KvU64(UInt64.max)).commit()
        #expect(try await kv.get(["s"]).value == .u64(11))
        try await kv.set(["text"], "x")
        await #expect(throws: KvError(.typeMismatchDb, "Failed to perform 'sum' mutation on a non-U64 value in the database")) {
            try await kv.atomic().set(["side"], 1).sum(["text"], 1).commit()
        }
        #expect(try await kv.get(["side"]).versionstamp == nil)
    }

    @Test func listOrderCursorsCountAndDeleteRange() async throws {
        // More keys than one chunk of the sorted map, written in a scrambled order.
        let n = 3000
        var order = Array(0..<n)
        for i in order.indices { order.swapAt(i, (i * 7919 + 13) % n) }
        for chunk in stride(from: 0, to: n, by: 500) {
            let op = kv.atomic()
            for i in order[chunk..<(chunk + 500)] { op.set(["k", .number(Double(i))], .number(Double(i))) }
            _ = try await op.commit()
        }
        try await kv.set(["j"], "before")
        try await kv.set(["l"], "after")
        let all = try await kv.list(.prefix(["k"]), options: .init(batchSize: 1000)).collect().entries
        #expect(all.map(\.value) == (0..<n).map { .number(Double($0)) })
        let reversed = try await kv.list(.prefix(["k"]), options: .init(reverse: true)).collect().entries
        #expect(reversed.map(\.value) == (0..<n).reversed().map { .number(Double($0)) })

        let page = try await kv.list(.prefix(["k"]), options: .init(limit: 10)).collect()
        #expect(page.entries.map(\.value) == (0..<10).map { .number(Double($0)) })
        let rest = try await kv.list(.prefix(["k"]), options: .init(limit: 5, cursor: page.cursor)).collect()
        #expect(rest.entries.map(\.value) == (10..<15).map { .number(Double($0)) })
        let tail = try await kv.list(.range(start: ["k", 2995], end: ["k", 100_000])).collect().entries
        #expect(tail.map(\.value) == (2995..<n).map { .number(Double($0)) })

        #expect(try kv.count(.prefix(["k"])) == n)
        #expect(try kv.count(.range(start: ["k", 100], end: ["k", 200])) == 100)
        #expect(try await kv.deleteRange(.range(start: ["k", 100], end: ["k", 200])) == 100)
        #expect(try kv.count(.prefix(["k"])) == n - 100)
        #expect(try await kv.deleteRange(.prefix(["k"])) == n - 100)
        #expect(try await kv.list(.prefix([])).collect().entries.map(\.key) == [["j"], ["l"]])
    }

    @Test func closeEndsEverything() async throws {
        try await kv.set(["a"], 1)
        let changes = store.changes(matching: { _ in true })
        let waiting = Task { try await store.dequeue() }
        store.close()
        store.close()
        #expect(try await waiting.value == nil)
        #expect(try await store.dequeue() == nil)
        var ended = true
        for await _ in changes { ended = false }
        #expect(ended)
        #expect(throws: KvError.closedError) { try kv.getSync(["a"]) }
        await #expect(throws: KvError.closedError) { try await kv.set(["a"], 2) }
        #expect(throws: KvError.closedError) { try kv.count(.prefix([])) }
        await #expect(throws: KvError.closedError) { try await kv.deleteRange(.prefix([])) }
        var lateEnded = true
        for await _ in store.changes(matching: { _ in true }) { lateEnded = false }
        #expect(lateEnded)
    }

    @Test func reopeningKeepsContentsAndVersionstamps() async throws {
        let vs = try await kv.set(["a"], 1).versionstamp!
        try await kv.enqueue("m")
        store.close()
        let again = Kv(store: MemoryKvStore(reopening: store))
        #expect(try await again.get(["a"]).versionstamp == vs)
        #expect(try await again.set(["b"], 2).versionstamp!.counter == vs.counter + 2)
        #expect(try await again.store.dequeue()?.payload.decode() == "m")
        again.close()
    }
}

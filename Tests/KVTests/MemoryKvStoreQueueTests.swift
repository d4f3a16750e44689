import Synchronization
import Testing
@testable import KV

/// Queue delivery of `MemoryKvStore` driven by a `ManualKvClock`.
@Suite struct MemoryKvStoreQueueTests {
    let clock = ManualKvClock()
    let store: MemoryKvStore
    let kv: Kv

    init() {
        store = MemoryKvStore(clock: clock)
        kv = Kv(store: store)
    }

    /// Lets other tasks run for a moment (real time, a few ms): enough for a dequeue to block.
    func settle() async throws { try await Task.sleep(nanoseconds: 5_000_000) }

    @Test func readyMessagesComeInOrder() async throws {
        try await kv.enqueue("first")
        _ = try await kv.atomic().enqueue("second").enqueue("third").commit()
        var got: [KvValue] = []
        for _ in 0..<3 {
            let m = try #require(try await store.dequeue())
            got.append(try m.payload.decode())
            try await store.finish(m, success: true)
        }
        #expect(got == ["first", "second", "third"])
    }

    @Test func delayedMessageIsDeliveredWhenTheClockPassesIt() async throws {
        try await kv.enqueue("later", options: .init(delay: 10_000))
        let delivered = Flag()
        let waiter = Task {
            let m = try await store.dequeue()
            delivered.set()
            return m
        }
        try await settle()
        clock.advance(by: 9_999)
        try await settle()
        #expect(!delivered.isSet)
        clock.advance(by: 1)
        let m = try #require(try await waiter.value)
        #expect(try m.payload.decode() == "later")
    }

    @Test func enqueueWakesAWaitingDequeue() async throws {
        let waiter = Task { try await store.dequeue() }
        try await settle()
        try await kv.enqueue("now")
        #expect(try await waiter.value?.payload.decode() == "now")
    }

    @Test func failuresBackOffThenFillKeysIfUndelivered() async throws {
        try await kv.enqueue("job", options: .init(keysIfUndelivered: [["dead", 1], ["dead", 2]], backoffSchedule: [1000, 5000]))
        var m = try #require(try await store.dequeue())
        try await store.finish(m, success: false)
        #expect(m.backoffSchedule == [1000, 5000])

        // Not deliverable before the first backoff delay has passed.
        let retry = Task { try await store.dequeue() }
        try await settle()
        clock.advance(by: 1000)
        m = try #require(try await retry.value)
        #expect(m.backoffSchedule == [5000])
        try await store.finish(m, success: false)

        clock.advance(by: 5000)
        m = try #require(try await store.dequeue())
        #expect(m.backoffSchedule == [])
        try await store.finish(m, success: false)
        #expect(try await kv.getMany([["dead", 1], ["dead", 2]]).map(\.value) == ["job", "job"])
    }

    @Test func successfulMessageIsNotRedelivered() async throws {
        try await kv.enqueue("once", options: .init(keysIfUndelivered: [["dead"]]))
        let m = try #require(try await store.dequeue())
        try await store.finish(m, success: true)
        try await store.finish(m, success: false)  // no longer leased: ignored
        let waiter = Task { try await store.dequeue() }
        clock.advance(by: 3_600_000)
        try await settle()
        #expect(try kv.store.readOne(try KeyCodec.encode(["dead"])) == nil)
        store.close()
        #expect(try await waiter.value == nil)
    }

    @Test func cancellingADequeueReturnsNil() async throws {
        let waiter = Task { try await store.dequeue() }
        try await settle()
        waiter.cancel()
        #expect(try await waiter.value == nil)
    }
}

final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .sequentiallyConsistent) }
    var isSet: Bool { value.load(ordering: .sequentiallyConsistent) }
}

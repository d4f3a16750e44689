import Foundation
import Synchronization
import Testing
import KV
@testable import KVLMDB

@Suite struct QueueTests {
    final class Log: @unchecked Sendable {
        let m = Mutex<[KvValue]>([])
        func add(_ v: KvValue) { m.withLock { $0.append(v) } }
        var all: [KvValue] { m.withLock { $0 } }
    }

    @Test func deliveryRetryAndUndelivered() async throws {
        try await withKv { kv, _, _ in
            let start = Date()
            try await kv.enqueue("ok-1")
            try await kv.enqueue("fail", options: .init(keysIfUndelivered: [["dead", 1]], backoffSchedule: [20, 20]))
            try await kv.enqueue("late", options: .init(delay: 300))
            let log = Log()
            let lateAt = Mutex<Double?>(nil)
            let listener = Task {
                try await kv.listenQueue { v in
                    log.add(v)
                    if v == "late" { lateAt.withLock { $0 = Date().timeIntervalSince(start) } }
                    if v == "fail" { throw KvError(.invalidInput, "induced") }
                }
            }
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline {
                let done = try await kv.get(["dead", 1]).versionstamp != nil && lateAt.withLock({ $0 }) != nil
                if done { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            listener.cancel()
            _ = await listener.result
            #expect(log.all.filter { $0 == "ok-1" }.count == 1)
            #expect(log.all.filter { $0 == "fail" }.count == 3, "one attempt + two retries")
            #expect(try await kv.get(["dead", 1]).value == "fail", "undelivered value written to keysIfUndelivered")
            #expect((lateAt.withLock { $0 } ?? 0) >= 0.3, "delay is honoured")
        }
    }

    /// A delayed message survives a restart; a message leased by a consumer that died is
    /// re-delivered after its lease expires (at-least-once).
    @Test func survivesRestart() async throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        do {
            let store = try LMDBStore(path: dir.path)
            let kv = Kv(store: store)
            try await kv.enqueue("persisted", options: .init(delay: 100))
            try await kv.enqueue("leased")
            // Lease a message and "crash" (never finish it).
            let m = try await store.dequeue()
            #expect(m != nil)
            store.queueState.withLock { $0.leased.removeAll() }
            kv.close()
        }
        let kv = try Kv.open(path: dir.path)
        defer { kv.close() }
        let log = Log()
        let listener = Task { try await kv.listenQueue { log.add($0) } }
        let deadline = Date().addingTimeInterval(8)
        while Date() < deadline, log.all.count < 2 { try await Task.sleep(for: .milliseconds(50)) }
        listener.cancel()
        _ = await listener.result
        #expect(Set(log.all.compactMap { if case .string(let s) = $0 { s } else { nil } }) == ["persisted", "leased"])
    }
}

import Cron
import EdgeTesting
import KV
@testable import KVPostgres
import Server
import Synchronization
import Testing

/// Two store instances on one database behave as one store: the fleet guarantees.
@Suite(.serialized) struct PostgresFleetTests {
    /// Versionstamp order across instances: whatever versionstamp a writer has *seen*, its next
    /// commit, on either instance, gets a greater one; and no versionstamp is handed out twice.
    @Test func noInstanceHandsOutAnOlderVersionstampAfterANewerOneIsVisible() async throws {
        try await withPostgres { pg in
            let a = try await open(pg)
            let b = try await open(pg)
            defer { a.close(); b.close() }
            let stamps = try await withThrowingTaskGroup(of: [Versionstamp].self) { group in
                for w in 0..<16 {
                    let kv = w % 2 == 0 ? a : b
                    group.addTask {
                        var mine: [Versionstamp] = []
                        for n in 0..<40 {
                            let seen = try await kv.get(["last"]).versionstamp
                            let r = try await kv.atomic().set(["last"], .number(Double(w))).set(["w", .number(Double(w)), .number(Double(n))], 1).commit()
                            let vs = try #require(r.versionstamp)
                            if let seen { #expect(vs > seen, "committed \(vs) after seeing \(seen)") }
                            mine.append(vs)
                        }
                        return mine
                    }
                }
                var all: [Versionstamp] = []
                for try await m in group { all += m }
                return all
            }
            #expect(stamps.count == 640)
            #expect(Set(stamps).count == 640, "no versionstamp is handed out twice across instances")
            #expect(try a.count(.prefix(["w"])) == 640)
        }
    }

    /// Queue messages enqueued on one instance are delivered once across both instances' consumers.
    @Test func eachMessageIsDeliveredOnceAcrossTheFleet() async throws {
        try await withPostgres { pg in
            let a = try await open(pg)
            let b = try await open(pg)
            defer { a.close(); b.close() }
            let tally = Tally()
            let perInstance = Tally()
            let listeners = [("a", a), ("b", b)].map { name, kv in
                Task { try await kv.listenQueue { v in
                    guard case .number(let n) = v else { return }
                    tally.add("\(Int(n))")
                    perInstance.add(name)
                    try await Task.sleep(for: .milliseconds(5))
                } }
            }
            for i in 0..<200 { try await a.enqueue(.number(Double(i))) }
            let deadline = monotonicMs() + 20_000
            while tally.all.count < 200 && monotonicMs() < deadline { try await Task.sleep(for: .milliseconds(50)) }
            try await Task.sleep(for: .milliseconds(500))
            for l in listeners { l.cancel(); _ = await l.result }
            #expect(tally.all.count == 200, "every message delivered")
            #expect(tally.all.values.allSatisfy { $0 == 1 }, "no message delivered twice: \(tally.all.filter { $0.value > 1 })")
            #expect(perInstance.all.count == 2, "both instances consumed: \(perInstance.all)")
        }
    }

    /// A consumer that dies holding a lease releases the message after the lease time.
    @Test func aLeaseHeldByADeadInstanceExpires() async throws {
        try await withPostgres { pg in
            let clock = ManualKvClock()
            let a = try await open(pg, clock: clock)
            try await a.enqueue("job")
            let store = try #require(a.store as? PostgresKvStore)
            let leased = try #require(try await store.dequeue())
            a.close()  // dies without finish: no renewal, no settle
            let b = try await open(pg, clock: clock)
            defer { b.close() }
            let storeB = try #require(b.store as? PostgresKvStore)
            #expect(try await storeB.leaseOne() == nil, "still leased")
            clock.advance(by: KvLimits.queueLeaseMs + 1)
            let again = try #require(try await storeB.leaseOne())
            #expect(again.id == leased.id)
            try await storeB.finish(again, success: true)
            clock.advance(by: KvLimits.queueLeaseMs + 1)
            #expect(try await storeB.leaseOne() == nil, "settled messages are gone")
        }
    }

    /// A watcher on one instance sees a commit made on the other (LISTEN/NOTIFY).
    @Test func watchSeesCommitsFromTheOtherInstance() async throws {
        try await withPostgres { pg in
            let a = try await open(pg)
            let b = try await open(pg)
            defer { a.close(); b.close() }
            let stream = try a.watch([["w"]])
            let seen = Task { () -> KvValue? in
                var n = 0
                for try await entries in stream {
                    n += 1
                    if n == 2 { return entries.first?.value }
                }
                return nil
            }
            try await Task.sleep(for: .milliseconds(300))
            let started = monotonicMs()
            try await b.set(["w"], "from b")
            #expect(try await seen.value == "from b")
            #expect(monotonicMs() - started < 900, "delivered by NOTIFY, before the 1 s re-check tick")
        }
    }

    /// The cron lease in the shared store: of two instances, exactly one runs a tick.
    @Test func oneCronTickRunsOnceAcrossTwoInstances() async throws {
        try await withPostgres { pg in
            let a = try await open(pg)
            let b = try await open(pg)
            defer { a.close(); b.close() }
            for t in 0..<20 {
                let tick = CronInstant(secondsSinceEpoch: 1_800_000_000 + Int64(t) * 60)
                async let x = KVCronLease(kv: a).acquire(job: "/job", tick: tick)
                async let y = KVCronLease(kv: b).acquire(job: "/job", tick: tick)
                let (wa, wb) = try await (x, y)
                #expect(wa != wb, "tick \(t): exactly one instance wins")
                await KVCronLease(kv: wa ? a : b).release(job: "/job", tick: tick)
            }
        }
    }

    /// An outage answers `storage` errors quickly (503 upstream), and service resumes by itself.
    @Test func outageFailsFastAndRecovers() async throws {
        try await withPostgres { pg in
            let kv = try await open(pg)
            defer { kv.close() }
            try await kv.set(["k"], "v")
            pg.stop()
            let started = monotonicMs()
            do {
                _ = try await kv.get(["k"])
                Issue.record("a read during the outage succeeded")
            } catch let e as KvError {
                #expect(e.code == .storage)
            }
            do {
                try await kv.set(["k"], "during")
                Issue.record("a commit during the outage succeeded")
            } catch let e as KvError {
                #expect(e.code == .storage)
            }
            #expect(monotonicMs() - started < Int64(2 * PostgresKvLimits.operationTimeoutMs + 1000), "never a hang")
            try pg.start()
            var recovered = false
            let deadline = monotonicMs() + 15_000
            while !recovered && monotonicMs() < deadline {
                recovered = (try? await kv.get(["k"]).value) == "v"
                if !recovered { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(recovered, "service resumes without a restart")
            #expect(try await kv.set(["k"], "after").ok)
        }
    }
}

import Cron
import KV
import KVLMDB
import Testing
@testable import Server

#if canImport(Glibc)
import Glibc
#endif

/// The KV-backed cron lease and run store on a real LMDB directory.
@Suite struct KVCronLeaseTests {
    func withKv(_ body: (Kv) async throws -> Void) async throws {
        let dir = "/tmp/edge-lease-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let kv = try Kv.open(path: dir)
        defer { kv.close() }
        try await body(kv)
    }

    @Test func oneWinnerPerTickAmongManySchedulers() async throws {
        try await withKv { kv in
            let tick = CronInstant(secondsSinceEpoch: 1_800_000_000)
            let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<8 { group.addTask { try await KVCronLease(kv: kv).acquire(job: "/a", tick: tick) } }
                var n = 0
                for try await w in group where w { n += 1 }
                return n
            }
            #expect(wins == 1)
            let lease = KVCronLease(kv: kv)
            #expect(try await !lease.acquire(job: "/a", tick: tick), "a tick is never re-opened")
            let next = tick.advanced(by: .seconds(60))
            #expect(try await !lease.acquire(job: "/a", tick: next), "the previous tick is still held: no overlap")
            await lease.release(job: "/a", tick: tick)
            #expect(try await lease.acquire(job: "/a", tick: next))
            #expect(try await lease.acquire(job: "/b", tick: next), "jobs are independent")
        }
    }

    /// A lease held by a process that died is free again after the job's hold limit, not before (3 s: wide enough that the "still held" check cannot outlive it on a loaded machine).
    @Test func aDeadHoldersLeaseExpiresAfterTheJobsHoldLimit() async throws {
        try await withKv { kv in
            let lease = KVCronLease(kv: kv, holdLimitsMs: ["/a": 3000])
            let tick = CronInstant(secondsSinceEpoch: 1_800_000_000)
            #expect(try await lease.acquire(job: "/a", tick: tick))  // never released: its holder "died"
            #expect(try await !lease.acquire(job: "/a", tick: tick.advanced(by: .seconds(1))), "still held")
            #expect(try await lease.acquire(job: "/b", tick: tick.advanced(by: .seconds(1))), "jobs are independent")
            try await Task.sleep(for: .milliseconds(3300))
            #expect(try await lease.acquire(job: "/a", tick: tick.advanced(by: .seconds(2))), "free after 3 s")
        }
    }

    /// The hold limit is as long as a run can last: every attempt at `maxDuration`, the backoff between
    /// them, and a margin; the 30-minute default when the function has no `maxDuration`.
    @Test func holdLimitCoversTheLongestRun() throws {
        let job = try CronJob(path: "/a", schedule: "* * * * * *", backoffSchedule: [.seconds(1), .seconds(5)])
        #expect(KVCronLease.holdLimitMs(for: job, maxDuration: .seconds(300)) == 3 * 300_000 + 6_000 + KVCronLease.holdMarginMs)
        #expect(KVCronLease.holdLimitMs(for: try CronJob(path: "/b", schedule: "@daily"), maxDuration: .milliseconds(1500)) == 1500 + KVCronLease.holdMarginMs)
        #expect(KVCronLease.holdLimitMs(for: job, maxDuration: nil) == KVCronLease.holdLimitMs)
    }

    @Test func runStoreKeepsNewestFirstAndTrims() async throws {
        try await withKv { kv in
            let store = KVCronRunStore(kv: kv)
            for i in 0..<(CronLimits.runsKeptPerJob + 5) {
                let t = CronInstant(secondsSinceEpoch: 1_800_000_000 + Int64(i) * 60)
                try await store.record(CronRunRecord(path: "/a", scheduledAt: t, startedAt: t, duration: .milliseconds(5), outcome: .ok(status: 200), attempts: 1))
            }
            let runs = try await store.lastRuns(path: "/a", limit: 100)
            #expect(runs.count == CronLimits.runsKeptPerJob)
            #expect(runs.first?.startedAt.secondsSinceEpoch == 1_800_000_000 + Int64(CronLimits.runsKeptPerJob + 4) * 60)
        }
    }
}

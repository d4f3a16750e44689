import Synchronization
import Testing
@testable import Cron

/// The scheduler on a manual clock: nothing here waits in real time.
@Suite(.timeLimit(.minutes(1))) struct CronSchedulerTests {
    @Test func firesEachJobAtItsScheduledInstantsSleepingUntilTheEarliest() async throws {
        let jobs = [try CronJob(path: "/api/a", schedule: "*/7 * * * *"), try CronJob(path: "/api/b", schedule: "*/3 * * * *")]
        let h = try Harness(jobs: jobs)
        let task = await h.start()
        var now = h.clock.now
        var expected: [(String, CronInstant)] = []
        for _ in 0..<25 {
            #expect(h.clock.sleeperCount == 1)  // one timer for all jobs, no polling
            let nexts = jobs.map { ($0.path, $0.schedule.nextDate(after: now)) }
            let earliest = nexts.map(\.1).min()!
            let deadline = try #require(h.clock.nextDeadline)
            #expect(deadline == earliest)
            let due = nexts.filter { $0.1 == earliest }
            expected += due
            h.clock.advance(to: deadline)
            now = deadline
            await h.store.records.wait(count: expected.count)
            await sleepers(h.clock, 1)
        }
        try await stop(task)
        let invoked = h.invocations.values
        #expect(invoked.map(\.path).sorted() == expected.map(\.0).sorted())
        #expect(Set(invoked.map { "\($0.path) \($0.scheduledAt)" }) == Set(expected.map { "\($0.0) \($0.1)" }))
        #expect(invoked.contains { $0.scheduledAt == instant("2026-11-25T10:21:00Z") && $0.path == "/api/a" })
        #expect(invoked.contains { $0.scheduledAt == instant("2026-11-25T10:21:00Z") && $0.path == "/api/b" })
        for record in h.store.records.values {
            #expect(record.outcome == .ok(status: 200))
            #expect(record.startedAt == record.scheduledAt)
            #expect(record.attempts == 1)
        }
        #expect(invoked.allSatisfy { $0.attempt == 1 && $0.schedule == ($0.path == "/api/a" ? "*/7 * * * *" : "*/3 * * * *") })
        #expect(h.logs.values.contains("cron /api/b scheduled=2026-11-25T10:03:00Z started=2026-11-25T10:03:00.000Z duration=0ms attempts=1 outcome=ok(200)"))
    }

    @Test func aTickDuringARunIsSkippedAndRecordedNeverOverlapping() async throws {
        let gate = Gate()
        let running = Mutex(0)
        let maxConcurrent = Mutex(0)
        let h = try Harness(jobs: [try CronJob(path: "/slow", schedule: "* * * * *")]) { _ in
            let now = running.withLock { $0 += 1; return $0 }
            maxConcurrent.withLock { $0 = max($0, now) }
            try await gate.wait()
            running.withLock { $0 -= 1 }
            return 200
        }
        let task = await h.start()
        h.clock.advance(to: instant("2026-11-25T10:01:00Z"))
        await h.invocations.wait(count: 1)
        await sleepers(h.clock, 1)
        h.clock.advance(to: instant("2026-11-25T10:02:00Z"))
        await h.store.records.wait(count: 1)
        let skipped = h.store.records.values[0]
        #expect(skipped.outcome == .skippedOverlap)
        #expect(skipped.scheduledAt == instant("2026-11-25T10:02:00Z"))
        #expect(skipped.attempts == 0)
        #expect(h.logs.values.contains { $0.contains("scheduled=2026-11-25T10:02:00Z") && $0.contains("outcome=skipped(overlap)") })
        await sleepers(h.clock, 1)
        h.clock.advance(to: instant("2026-11-25T10:02:30Z"))
        gate.open()
        await h.store.records.wait(count: 2)
        let finished = h.store.records.values[1]
        #expect(finished.outcome == .ok(status: 200))
        #expect(finished.scheduledAt == instant("2026-11-25T10:01:00Z"))
        #expect(finished.duration == .seconds(90))
        // The job is free again: the next tick runs.
        h.clock.advance(to: instant("2026-11-25T10:03:00Z"))
        await h.store.records.wait(count: 3)
        #expect(h.store.records.values[2].outcome == .ok(status: 200))
        #expect(h.invocations.values.count == 2)
        #expect(maxConcurrent.withLock { $0 } == 1)
        try await stop(task)
    }

    @Test func failuresAreRetriedPerBackoffSchedule() async throws {
        let job = try CronJob(path: "/flaky", schedule: "0 * * * *", backoffSchedule: [.seconds(10), .seconds(30)])
        let h = try Harness(jobs: [job]) { invocation in
            switch invocation.attempt {
            case 1: return 503
            case 2: throw HandlerError()
            default: return 204
            }
        }
        let task = await h.start()
        h.clock.advance(to: instant("2026-11-25T11:00:00Z"))
        await h.invocations.wait(count: 1)
        await sleepers(h.clock, 2)  // the scheduler and the retry wait
        #expect(h.clock.nextDeadline == instant("2026-11-25T11:00:10Z"))
        h.clock.advance(by: .seconds(10))
        await h.invocations.wait(count: 2)
        await sleepers(h.clock, 2)
        #expect(h.clock.nextDeadline == instant("2026-11-25T11:00:40Z"))
        h.clock.advance(by: .seconds(30))
        await h.store.records.wait(count: 1)
        let record = h.store.records.values[0]
        #expect(record.outcome == .ok(status: 204))
        #expect(record.attempts == 3)
        #expect(record.duration == .seconds(40))
        #expect(record.startedAt == instant("2026-11-25T11:00:00Z"))
        #expect(h.invocations.values.map(\.attempt) == [1, 2, 3])
        #expect(h.invocations.values.allSatisfy { $0.scheduledAt == instant("2026-11-25T11:00:00Z") })
        try await stop(task)
    }

    @Test func exhaustedRetriesRecordTheLastFailure() async throws {
        let job = try CronJob(path: "/down", schedule: "0 * * * *", backoffSchedule: [.seconds(5)])
        let h = try Harness(jobs: [job]) { _ in 500 }
        let task = await h.start()
        h.clock.advance(to: instant("2026-11-25T11:00:00Z"))
        await sleepers(h.clock, 2)
        h.clock.advance(by: .seconds(5))
        await h.store.records.wait(count: 1)
        #expect(h.store.records.values[0].outcome == .failed(.status(500)))
        #expect(h.store.records.values[0].attempts == 2)
        #expect(h.logs.values.contains { $0.hasSuffix("attempts=2 outcome=failed(status 500)") })
        try await stop(task)
    }

    @Test func withoutBackoffAThrownErrorFailsOnceAndClientErrorsAreNotRetried() async throws {
        let jobs = [try CronJob(path: "/throws", schedule: "0 * * * *"),
                    try CronJob(path: "/missing", schedule: "0 * * * *", backoffSchedule: [.seconds(1)])]
        let h = try Harness(jobs: jobs) { invocation in
            if invocation.path == "/throws" { throw HandlerError() }
            return 404
        }
        let task = await h.start()
        h.clock.advance(to: instant("2026-11-25T11:00:00Z"))
        await h.store.records.wait(count: 2)
        let byPath = Dictionary(uniqueKeysWithValues: h.store.records.values.map { ($0.path, $0) })
        #expect(byPath["/throws"]?.outcome == .failed(.error("database unreachable")))
        #expect(byPath["/throws"]?.attempts == 1)
        #expect(byPath["/missing"]?.outcome == .ok(status: 404))
        #expect(byPath["/missing"]?.attempts == 1)
        #expect(h.invocations.values.count == 2)
        try await stop(task)
    }

    @Test func twoSchedulersSharingALeaseRunEachTickOnce() async throws {
        let clock = ManualCronClock(now: instant("2026-11-25T10:00:30Z"))
        let lease = InMemoryCronLease()
        let job = try CronJob(path: "/once", schedule: "*/2 * * * *")
        let first = try Harness(jobs: [job], clock: clock, lease: lease)
        let second = try Harness(jobs: [job], clock: clock, lease: lease)
        let t1 = await first.start(expectedSleepers: 1)
        let t2 = await second.start(expectedSleepers: 2)
        for round in 1...8 {
            clock.advance(to: try #require(clock.nextDeadline))
            await first.store.records.wait(count: round)
            await second.store.records.wait(count: round)
            await sleepers(clock, 2)
        }
        t1.cancel()
        t2.cancel()
        try await finish(t1)
        try await finish(t2)
        let invocations = first.invocations.values + second.invocations.values
        #expect(invocations.count == 8)
        #expect(Set(invocations.map(\.scheduledAt)).count == 8)
        let records = first.store.records.values + second.store.records.values
        for tick in Set(records.map(\.scheduledAt)) {
            let outcomes = records.filter { $0.scheduledAt == tick }.map(\.outcome)
            #expect(outcomes.filter { $0 == .ok(status: 200) }.count == 1, "tick \(tick)")
            #expect(outcomes.filter { $0 == .lostLease }.count == 1, "tick \(tick)")
        }
    }

    @Test func aRunInProgressInOneSchedulerBlocksTheOtherThroughTheLease() async throws {
        let clock = ManualCronClock(now: instant("2026-11-25T10:00:30Z"))
        let lease = InMemoryCronLease()
        let job = try CronJob(path: "/long", schedule: "* * * * *")
        let gate = Gate()
        let started = Collector<Int>()
        let first = try Harness(jobs: [job], clock: clock, lease: lease) { _ in started.append(0); try await gate.wait(); return 200 }
        let second = try Harness(jobs: [job], clock: clock, lease: lease) { _ in started.append(1); try await gate.wait(); return 200 }
        let t1 = await first.start(expectedSleepers: 1)
        let t2 = await second.start(expectedSleepers: 2)
        clock.advance(to: instant("2026-11-25T10:01:00Z"))
        // One of them runs the 10:01 tick; the other records lostLease.
        await started.wait(count: 1)
        let winner = started.values[0] == 0 ? first : second
        let loser = started.values[0] == 0 ? second : first
        await loser.store.records.wait(count: 1)
        #expect(loser.store.records.values[0].outcome == .lostLease)
        await sleepers(clock, 2)
        // 10:02: the winner skips (overlap); the loser cannot take the lease while the run is going.
        clock.advance(to: instant("2026-11-25T10:02:00Z"))
        await loser.store.records.wait(count: 2)
        await winner.store.records.wait(count: 1)
        #expect(loser.store.records.values[1].outcome == .lostLease)
        #expect(winner.store.records.values[0].outcome == .skippedOverlap)
        gate.open()
        await winner.store.records.wait(count: 2)
        #expect(winner.store.records.values[1].outcome == .ok(status: 200))
        #expect(winner.store.records.values[1].scheduledAt == instant("2026-11-25T10:01:00Z"))
        #expect(first.invocations.values.count + second.invocations.values.count == 1)
        t1.cancel()
        t2.cancel()
        try await finish(t1)
        try await finish(t2)
    }

    @Test func leaseErrorsAreRecordedWithoutInvoking() async throws {
        struct BrokenLease: CronLease {
            struct Failure: Error, CustomStringConvertible { var description: String { "store is read-only" } }
            func acquire(job: String, tick: CronInstant) async throws -> Bool { throw Failure() }
        }
        let h = try Harness(jobs: [try CronJob(path: "/x", schedule: "* * * * *")], lease: BrokenLease())
        let task = await h.start()
        h.clock.advance(to: instant("2026-11-25T10:01:00Z"))
        await h.store.records.wait(count: 1)
        #expect(h.store.records.values[0].outcome == .failed(.leaseUnavailable("store is read-only")))
        #expect(h.invocations.values.isEmpty)
        try await stop(task)
    }
}

import Testing
@testable import Cron

/// Missed ticks are never replayed: not after a restart, not after a late wake-up.
@Suite(.timeLimit(.minutes(1))) struct CronSchedulerReplayTests {
    @Test func ticksMissedWhileDownAreNotReplayedAfterARestart() async throws {
        let clock = ManualCronClock(now: instant("2026-11-25T10:00:30Z"))
        let job = try CronJob(path: "/five", schedule: "*/5 * * * *")
        let before = try Harness(jobs: [job], clock: clock)
        let first = await before.start()
        clock.advance(to: instant("2026-11-25T10:05:00Z"))
        await before.store.records.wait(count: 1)
        try await stop(first)
        // Down from 10:05 to 10:17:30: the 10:10 and 10:15 ticks pass.
        clock.advance(to: instant("2026-11-25T10:17:30Z"))
        let after = try Harness(jobs: [job], clock: clock)
        let second = await after.start()
        #expect(clock.nextDeadline == instant("2026-11-25T10:20:00Z"))
        clock.advance(to: instant("2026-11-25T10:20:00Z"))
        await after.store.records.wait(count: 1)
        #expect(after.invocations.values.map(\.scheduledAt) == [instant("2026-11-25T10:20:00Z")])
        try await stop(second)
    }

    @Test func aTickWokenForTooLateIsDroppedAndSchedulingResumesFromNow() async throws {
        let h = try Harness(jobs: [try CronJob(path: "/hourly", schedule: "0 * * * *")])
        let task = await h.start()
        #expect(h.clock.nextDeadline == instant("2026-11-25T11:00:00Z"))
        // The machine was suspended from 10:00:30 to 13:30.
        h.clock.advance(to: instant("2026-11-25T13:30:00Z"))
        await h.logs.wait(count: 1)
        await sleepers(h.clock, 1)
        #expect(h.clock.nextDeadline == instant("2026-11-25T14:00:00Z"))
        #expect(h.invocations.values.isEmpty)
        #expect(h.logs.values[0].hasPrefix("cron /hourly scheduled=2026-11-25T11:00:00Z dropped"))
        h.clock.advance(to: instant("2026-11-25T14:00:00Z"))
        await h.store.records.wait(count: 1)
        #expect(h.invocations.values.map(\.scheduledAt) == [instant("2026-11-25T14:00:00Z")])
        try await stop(task)
    }

    @Test func aSlightlyLateWakeStillRunsTheTickOnce() async throws {
        let h = try Harness(jobs: [try CronJob(path: "/m", schedule: "* * * * *")])
        let task = await h.start()
        h.clock.advance(to: instant("2026-11-25T10:01:45Z"))  // 45 s late, within the expiry
        await h.store.records.wait(count: 1)
        await sleepers(h.clock, 1)
        #expect(h.store.records.values[0].scheduledAt == instant("2026-11-25T10:01:00Z"))
        #expect(h.store.records.values[0].startedAt == instant("2026-11-25T10:01:45Z"))
        #expect(h.clock.nextDeadline == instant("2026-11-25T10:02:00Z"))
        try await stop(task)
    }
}

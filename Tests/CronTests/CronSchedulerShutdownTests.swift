import Synchronization
import Testing
@testable import Cron

/// Graceful shutdown: a run in progress finishes within the grace period, or is cancelled and
/// recorded as cancelled; never left half-done without a record.
@Suite(.timeLimit(.minutes(1))) struct CronSchedulerShutdownTests {
    /// Starts the scheduler, lets the 03:00 run begin, then shuts the scheduler down (cancels it) and
    /// waits until the shutdown grace timer is the one sleeper.
    func startThe3amRunThenShutDown(_ h: Harness) async -> Task<Void, any Error> {
        let task = await h.start()
        h.clock.advance(to: instant("2026-11-25T03:00:00Z"))
        await h.invocations.wait(count: 1)
        await sleepers(h.clock, 1)
        task.cancel()
        await sleepers(h.clock, 1)
        return task
    }

    @Test func aRunThatFinishesWithinTheGracePeriodIsRecordedAsItsOutcome() async throws {
        let gate = Gate()
        let h = try Harness(jobs: [try CronJob(path: "/backup", schedule: "0 3 * * *")], start: "2026-11-25T02:59:00Z") { _ in
            try await gate.wait()
            return 200
        }
        let task = await startThe3amRunThenShutDown(h)
        // The scheduler's timer is gone; the shutdown grace timer replaces it.
        #expect(h.clock.nextDeadline == instant("2026-11-25T03:00:10Z"))
        h.clock.advance(by: .seconds(4))
        gate.open()
        try await finish(task)
        #expect(h.store.records.values.map(\.outcome) == [.ok(status: 200)])
        #expect(h.store.records.values[0].duration == .seconds(4))
        #expect(h.clock.sleeperCount == 0)
    }

    @Test func aRunOutlivingTheGracePeriodIsCancelledAndRecordedOnce() async throws {
        let sawCancellation = Collector<Bool>()
        let h = try Harness(jobs: [try CronJob(path: "/backup", schedule: "0 3 * * *")], start: "2026-11-25T02:59:00Z") { _ in
            do {
                try await Gate().wait()  // never opened
                return 200
            } catch is CancellationError {
                sawCancellation.append(true)
                throw CancellationError()
            }
        }
        let task = await startThe3amRunThenShutDown(h)
        h.clock.advance(by: .seconds(10))
        try await finish(task)
        #expect(sawCancellation.values == [true])
        let records = h.store.records.values
        #expect(records.count == 1)
        #expect(records.first?.outcome == .cancelled)
        #expect(records.first?.attempts == 1)
        #expect(records.first?.duration == .seconds(10))
        #expect(h.logs.values.contains { $0.contains("outcome=cancelled") })
    }

    @Test func aHandlerIgnoringCancellationDoesNotHoldShutdownForever() async throws {
        let gate = Gate()
        let h = try Harness(jobs: [try CronJob(path: "/stubborn", schedule: "0 3 * * *")], start: "2026-11-25T02:59:00Z") { _ in
            await gate.waitIgnoringCancellation()
            return 200
        }
        let task = await startThe3amRunThenShutDown(h)
        h.clock.advance(by: .seconds(10))           // grace period over: recorded as cancelled
        await h.store.records.wait(count: 1)
        await sleepers(h.clock, 1)
        h.clock.advance(by: CronLimits.cancellationGracePeriod)
        try await finish(task)
        #expect(h.logs.values.contains { $0.contains("ignored cancellation") })
        // The handler completes later; its run is not recorded a second time.
        gate.open()
        let scheduler = h.scheduler
        await within("the stubborn run to end") {
            while await scheduler.status().contains(where: \.isRunning) { await Task.yield() }
        }
        #expect(h.store.records.values.map(\.outcome) == [.cancelled])
    }

    @Test func aRunWaitingToRetryAtShutdownIsCancelled() async throws {
        let job = try CronJob(path: "/retry", schedule: "0 3 * * *", backoffSchedule: [.seconds(60)])
        let h = try Harness(jobs: [job], start: "2026-11-25T02:59:00Z") { _ in 503 }
        let task = await h.start()
        h.clock.advance(to: instant("2026-11-25T03:00:00Z"))
        await sleepers(h.clock, 2)  // scheduler + retry wait
        task.cancel()
        await sleepers(h.clock, 2)  // retry wait + grace timer
        h.clock.advance(by: .seconds(10))
        try await finish(task)
        #expect(h.store.records.values.map(\.outcome) == [.cancelled])
        #expect(h.store.records.values[0].attempts == 1)
        #expect(h.invocations.values.count == 1)
    }

    @Test func shutdownWithNothingRunningReturnsAtOnce() async throws {
        let h = try Harness(jobs: [try CronJob(path: "/idle", schedule: "@daily")])
        let task = await h.start()
        try await stop(task)
        #expect(h.store.records.values.isEmpty)
        #expect(h.clock.sleeperCount == 0)
    }

    @Test func aSchedulerWithNoJobsWaitsForShutdown() async throws {
        let h = try Harness(jobs: [])
        let task = await h.start()
        try await stop(task)
    }
}

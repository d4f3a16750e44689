import Testing
@testable import Cron

/// `edge cron run`, `edge cron list`, the Vercel headers, and declaration checks.
@Suite(.timeLimit(.minutes(1))) struct CronOperationsTests {
    @Test func runNowRunsLikeATickAndShowsUpInStatus() async throws {
        let jobs = [try CronJob(path: "/api/cron/backup", schedule: "0 3 * * *"), try CronJob(path: "/api/sweep", schedule: "0 * * * *")]
        let h = try Harness(jobs: jobs, start: "2026-11-25T10:00:30Z") { _ in 201 }
        let record = try await h.scheduler.runNow(path: "/api/cron/backup")
        #expect(record.outcome == .ok(status: 201))
        #expect(record.scheduledAt == instant("2026-11-25T10:00:30Z"))
        #expect(record.attempts == 1)
        #expect(h.invocations.values.map(\.path) == ["/api/cron/backup"])
        #expect(h.store.records.values == [record])

        let status = await h.scheduler.status()
        #expect(status.map(\.path) == ["/api/cron/backup", "/api/sweep"])
        #expect(status[0].nextRun.iso8601 == "2026-11-26T03:00:00Z")
        #expect(status[0].lastRun == record)
        #expect(status[1].nextRun.iso8601 == "2026-11-25T11:00:00Z")
        #expect(status[1].lastRun == nil)
        #expect(status.allSatisfy { !$0.isRunning })

        let table = CronJobStatus.table(status)
        #expect(table == """
            PATH              SCHEDULE   NEXT RUN (UTC)        LAST START (UTC)      DURATION  OUTCOME
            /api/cron/backup  0 3 * * *  2026-11-26T03:00:00Z  2026-11-25T10:00:30Z  0ms       ok(201)
            /api/sweep        0 * * * *  2026-11-25T11:00:00Z  -                     -         -
            """)
        let fields = Dictionary(uniqueKeysWithValues: status[0].fields.map { ($0.key, $0.value) })
        #expect(fields["nextRun"] == "2026-11-26T03:00:00Z")
        #expect(fields["lastRunOutcome"] == "ok(201)")
        #expect(fields["lastRunStart"] == "2026-11-25T10:00:30.000Z")
        #expect(status[1].fields.count == 4)

        // The snapshot a CLI takes without a running scheduler reads the same store.
        let snapshot = await CronJobStatus.snapshot(of: jobs, store: h.store, now: h.clock.now)
        #expect(snapshot == status)
    }

    @Test func runNowOfAnUnknownPathFails() async throws {
        let h = try Harness(jobs: [try CronJob(path: "/a", schedule: "@hourly")])
        await #expect(throws: CronConfigurationError("no cron is declared with path /b")) {
            try await h.scheduler.runNow(path: "/b")
        }
    }

    @Test func statusShowsALostLeaseOnlyAsHistory() async throws {
        let store = InMemoryCronRunStore()
        let t = instant("2026-11-25T03:00:00Z")
        let ran = CronRunRecord(path: "/a", scheduledAt: t, startedAt: t, duration: .seconds(2), outcome: .ok(status: 200), attempts: 1)
        let lost = CronRunRecord(path: "/a", scheduledAt: t, startedAt: t, duration: .zero, outcome: .lostLease, attempts: 0)
        try await store.record(ran)
        try await store.record(lost)
        #expect(try await store.lastRun(path: "/a") == ran)
        #expect(try await store.lastRuns(path: "/a", limit: 5) == [lost, ran])
    }

    @Test func runStoreKeepsTheNewestRecordsPerJob() async throws {
        let store = InMemoryCronRunStore(capacity: 3)
        for minute in 0..<5 {
            let t = CronInstant(secondsSinceEpoch: Int64(minute) * 60)
            try await store.record(CronRunRecord(path: "/a", scheduledAt: t, startedAt: t, duration: .zero, outcome: .ok(status: 200), attempts: 1))
        }
        #expect(try await store.lastRuns(path: "/a", limit: 10).map(\.scheduledAt.secondsSinceEpoch) == [240, 180, 120])
    }

    @Test func vercelHeadersWithAndWithoutSecret() {
        let invocation = CronInvocation(path: "/api/cron", schedule: "0 3 * * *", scheduledAt: .epoch, attempt: 1)
        #expect(invocation.headers(cronSecret: nil).map { "\($0.name): \($0.value)" }
            == ["user-agent: vercel-cron/1.0", "x-vercel-cron-schedule: 0 3 * * *"])
        #expect(invocation.headers(cronSecret: "s3cr3t").map { "\($0.name): \($0.value)" }
            == ["user-agent: vercel-cron/1.0", "x-vercel-cron-schedule: 0 3 * * *", "authorization: Bearer s3cr3t"])
    }

    @Test func cronSecretValidation() throws {
        #expect(try CronSecret.validate(nil) == nil)
        #expect(try CronSecret.validate("") == nil)
        #expect(try CronSecret.validate("abc DEF~!") == "abc DEF~!")
        #expect(throws: CronConfigurationError("CRON_SECRET must not begin or end with whitespace")) { try CronSecret.validate(" abc") }
        #expect(throws: CronConfigurationError("CRON_SECRET must not begin or end with whitespace")) { try CronSecret.validate("abc\n") }
        #expect(throws: CronConfigurationError("CRON_SECRET may only contain visible ASCII characters")) { try CronSecret.validate("clé") }
        #expect(throws: CronConfigurationError("CRON_SECRET may only contain visible ASCII characters")) { try CronSecret.validate("a\tb") }
    }

    @Test func jobDeclarationsAreChecked() throws {
        #expect(throws: CronConfigurationError("cron path \"api/x\" must start with /")) {
            try CronJob(path: "api/x", schedule: "@daily")
        }
        #expect(throws: CronConfigurationError("cron /x: backoffSchedule has 6 entries; at most 5 are allowed")) {
            try CronJob(path: "/x", schedule: "@daily", backoffSchedule: Array(repeating: .seconds(1), count: 6))
        }
        #expect(throws: CronConfigurationError("cron /x: backoffSchedule entry 3601000 ms is outside 0 ... 3600000 ms")) {
            try CronJob(path: "/x", schedule: "@daily", backoffSchedule: [.seconds(3601)])
        }
        #expect(throws: CronConfigurationError("cron /x: backoffSchedule entry -1 ms is outside 0 ... 3600000 ms")) {
            try CronJob(path: "/x", schedule: "@daily", backoffSchedule: [.milliseconds(-1)])
        }
        #expect(throws: CronExpressionError.self) { try CronJob(path: "/x", schedule: "0 0 31 2 *") }
        _ = try CronJob(path: "/x?token=1", schedule: "@daily", backoffSchedule: [.milliseconds(100), .seconds(3600)])
    }

    @Test func schedulerRejectsDuplicatePathsAndTooManyJobs() throws {
        let job = try CronJob(path: "/dup", schedule: "@daily")
        #expect(throws: CronConfigurationError("cron path /dup is declared more than once")) {
            try CronScheduler(jobs: [job, job]) { _ in 200 }
        }
        let many = try (0...CronLimits.maximumJobs).map { try CronJob(path: "/j\($0)", schedule: "@daily") }
        #expect(throws: CronConfigurationError("101 crons declared; at most 100 are allowed")) {
            try CronScheduler(jobs: many) { _ in 200 }
        }
    }

    @Test func runningTwiceIsRefused() async throws {
        let h = try Harness(jobs: [try CronJob(path: "/a", schedule: "@daily")])
        let task = await h.start()
        await #expect(throws: CronConfigurationError("the cron scheduler is already running")) {
            try await h.scheduler.run()
        }
        try await stop(task)
    }

    @Test func manualClockWakesSleepersInDeadlineOrderAndHonoursCancellation() async throws {
        let clock = ManualCronClock(now: .epoch)
        let woken = Collector<Int>()
        let a = Task { try await clock.sleep(until: CronInstant(secondsSinceEpoch: 5)); woken.append(5) }
        let b = Task { try await clock.sleep(until: CronInstant(secondsSinceEpoch: 3)); woken.append(3) }
        let c = Task { try await clock.sleep(until: CronInstant(secondsSinceEpoch: 9)) }
        await sleepers(clock, 3)
        clock.advance(by: .seconds(2))
        #expect(clock.sleeperCount == 3)
        clock.advance(to: CronInstant(secondsSinceEpoch: 6))
        try await a.value
        try await b.value
        #expect(Set(woken.values) == [3, 5])
        c.cancel()
        await #expect(throws: CancellationError.self) { try await c.value }
        #expect(clock.sleeperCount == 0)
        // A past deadline returns at once; time never goes backwards.
        try await clock.sleep(until: .epoch)
        clock.advance(to: .epoch)
        #expect(clock.now == CronInstant(secondsSinceEpoch: 6))
    }
}

/// `vercel-like.json` `crons` entries.
@Suite struct CronDeclarationTests {
    @Test func validDeclarationsBecomeJobs() throws {
        let jobs = try CronJob.jobs(from: [
            CronDeclaration(path: "/api/cron/backup", schedule: "0 3 * * *"),
            CronDeclaration(path: "/api/sweep", schedule: "@hourly", backoffSchedule: [100, 1000]),
        ])
        #expect(jobs.map(\.path) == ["/api/cron/backup", "/api/sweep"])
        #expect(jobs[0].schedule.source == "0 3 * * *")
        #expect(jobs[1].backoffSchedule == [.milliseconds(100), .seconds(1)])
    }

    @Test(arguments: [
        ([CronDeclaration(path: "/a", schedule: "0 0 32 * *")], "crons[0].schedule: day-of-month: 32 is out of range 1-31"),
        ([CronDeclaration(path: "/a", schedule: "@daily"), CronDeclaration(path: "/b", schedule: "0 0 31 2 *")],
         "crons[1].schedule: day-of-month: never fires: day 31 does not occur in February"),
        ([CronDeclaration(path: "a", schedule: "@daily")], "crons[0].path: cron path \"a\" must start with /"),
        ([CronDeclaration(path: "/a", schedule: "@daily", backoffSchedule: [1, 2, 3, 4, 5, 6])],
         "crons[0].backoffSchedule: cron /a: backoffSchedule has 6 entries; at most 5 are allowed"),
        ([CronDeclaration(path: "/a", schedule: "@daily"), CronDeclaration(path: "/a", schedule: "@hourly")],
         "crons[1].path: /a is already declared by crons[0]"),
    ])
    func invalidDeclarationsNameTheEntry(declarations: [CronDeclaration], message: String) {
        #expect(throws: CronConfigurationError(message)) { try CronJob.jobs(from: declarations) }
    }
}

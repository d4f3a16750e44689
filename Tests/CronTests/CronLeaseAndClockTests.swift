import FoundationEssentials
import Testing
@testable import Cron

/// The in-memory lease contract, and the real clock's basic promises.
@Suite struct CronLeaseAndClockTests {
    @Test func inMemoryLeaseGivesEachTickOnceInOrderAndBlocksWhileHeld() async throws {
        let lease = InMemoryCronLease()
        let t1 = CronInstant(secondsSinceEpoch: 60)
        let t2 = CronInstant(secondsSinceEpoch: 120)
        let t3 = CronInstant(secondsSinceEpoch: 180)
        #expect(try await lease.acquire(job: "/a", tick: t1))
        #expect(try await !lease.acquire(job: "/a", tick: t1))   // same tick: once
        #expect(try await !lease.acquire(job: "/a", tick: t2))   // held by the run of t1
        #expect(try await lease.acquire(job: "/b", tick: t1))    // jobs are independent
        await lease.release(job: "/a", tick: t2)                 // not the holder's tick: no effect
        #expect(try await !lease.acquire(job: "/a", tick: t2))
        await lease.release(job: "/a", tick: t1)
        #expect(try await !lease.acquire(job: "/a", tick: t1))   // a released tick is not re-opened
        #expect(try await lease.acquire(job: "/a", tick: t3))
        await lease.release(job: "/a", tick: t3)
        #expect(try await !lease.acquire(job: "/a", tick: t2))   // never backwards
    }

    @Test func systemClockReadsWallTimeAndNeverWakesEarly() async throws {
        let clock = SystemCronClock()
        let wall = Date.now.timeIntervalSince1970
        let now = clock.now
        #expect(abs(Double(now.secondsSinceEpoch) - wall) < 2)
        let deadline = clock.now.advanced(by: .milliseconds(30))
        try await clock.sleep(until: deadline)
        #expect(clock.now >= deadline)
        try await clock.sleep(until: .epoch)  // a past deadline returns at once
    }

    @Test func systemClockSleepIsCancellable() async throws {
        let clock = SystemCronClock()
        let task = Task { try await clock.sleep(for: .seconds(3600)) }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
    }
}

/// Run records survive a JSON round trip (the KV store keeps them encoded).
@Suite struct CronRunRecordCodingTests {
    @Test(arguments: [
        CronOutcome.ok(status: 200), .failed(.status(502)), .failed(.error("boom")), .failed(.leaseUnavailable("x")),
        .skippedOverlap, .lostLease, .cancelled,
    ])
    func recordRoundTrips(outcome: CronOutcome) throws {
        let record = CronRunRecord(
            path: "/api/cron", scheduledAt: instant("2026-11-25T03:00:00Z"),
            startedAt: CronInstant(iso8601: "2026-11-25T03:00:00.000123456Z")!,
            duration: .milliseconds(1234), outcome: outcome, attempts: 2)
        let data = try JSONEncoder().encode(record)
        #expect(try JSONDecoder().decode(CronRunRecord.self, from: data) == record)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"2026-11-25T03:00:00Z\"") && text.contains("\"2026-11-25T03:00:00.000123456Z\""))
    }

    @Test func badInstantTextIsADecodingError() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([CronInstant].self, from: Data("[\"yesterday\"]".utf8))
        }
    }
}

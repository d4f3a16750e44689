import Dispatch
import EdgeTesting
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 19, queues across a fleet: 1000 messages consumed by three real `edge serve` processes on
/// one PostgreSQL. The consumer is the jobs app's own (system 002: every serving process runs
/// `JobRunner` on the KV queue), so no test-only route is needed: `POST /jobs` commits a job and its
/// `run` message; a run moves the job `pending` → `running` → `done`.
@Suite(.serialized) struct PostgresFleetQueueTests {
    static let messages = 1000

    /// Each message is run exactly once: every job ends `done` (a second delivery while a job runs
    /// would turn it `failed`, "interrupted by restart", and one after it ended finds it terminal and
    /// leaves it), and no message is left in the queue table.
    @Test func aThousandMessagesAreEachRunOnceByThreeInstances() throws {
        let pg = try TemporaryPostgres()
        let env = ["KV_URL": pg.url, "JOBS_MAX_ITEMS": "5000"]
        let args = ["serve", "--workers", "0"]
        let instances = [try EdgeProcess(arguments: args, environment: env),
                         try EdgeProcess(arguments: args, environment: env),
                         try EdgeProcess(arguments: args, environment: env)]
        let ports = instances.map(\.port)
        let ids = Mutex<[String]>([])
        let refused = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { c in
            for i in stride(from: c, to: Self.messages, by: 8) {
                // A few milliseconds of work per job, so runs on the three instances overlap.
                let r = try? JobsTests.create(ports[i % ports.count], #","debugSleepMs":5"#)
                if let r, r.status == 200, let id = JobsTests.field(r, "jobId") {
                    ids.withLock { $0.append(id) }
                } else {
                    refused.withLock { $0.append("\(r?.status ?? -1) \(r?.text.prefix(200) ?? "")") }
                }
            }
        }
        let created = ids.withLock { $0 }
        #expect(refused.withLock { $0 }.isEmpty, "every job was accepted: \(refused.withLock { $0.prefix(3) })")
        #expect(Set(created).count == Self.messages)

        // Wait for the queue table to drain (every message finished and deleted), then read each job.
        let start = PostgresFleetIntegrationTests.timeNow()
        var left = "?"
        while PostgresFleetIntegrationTests.timeNow() - start < 120 {
            left = (try? pg.query("SELECT count(*) FROM edge_kv_queue")) ?? "?"
            if left == "0" { break }
            usleep(200_000)
        }
        #expect(left == "0", "the queue drained: \(left) messages left after \(PostgresFleetIntegrationTests.timeNow() - start) s")
        let states = Mutex<[String: Int]>([:])
        let notDone = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { c in
            for (i, id) in created.enumerated() where i % 8 == c {
                let r = try? JobsTests.status(ports[i % ports.count], id)
                let s = r.flatMap { JobsTests.field($0, "status") } ?? "unreadable"
                states.withLock { $0[s, default: 0] += 1 }
                if s != "done" { notDone.withLock { $0.append("\(id): \(r?.text.prefix(300) ?? "")") } }
            }
        }
        let byState = states.withLock { $0 }
        print("postgres fleet queue: \(created.count) jobs, states \(byState), drained in \(PostgresFleetIntegrationTests.timeNow() - start) s")
        #expect(byState == ["done": Self.messages], "every job ran exactly once to done: \(byState) \(notDone.withLock { $0.prefix(3) })")
        for edge in instances {
            #expect(kill(edge.pid, 0) == 0, "instance \(edge.pid) is still up")
        }
    }
}

import EdgeTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Two real `edge` binaries on one real PostgreSQL (`KV_URL`): one store for the fleet, 503
/// `storage_unavailable` during an outage, recovery without a restart, cron ticks run once.
@Suite(.serialized) struct PostgresFleetIntegrationTests {
    /// Runs `edge kv ARGS` with `KV_URL`; returns its exit status.
    static func edgeKV(_ url: String, _ args: String) -> Int32 {
        ShellCommand.run("'\(EdgeProcess.binary)' kv \(args) >/dev/null 2>&1", environment: ["KV_URL": url])
    }

    @Test func twoInstancesShareTheStoreAnswer503DuringAnOutageAndRecover() throws {
        let pg = try TemporaryPostgres()
        let kvDir = try TemporaryDirectory(prefix: "edge-pg-unused")
        let env = ["KV_URL": pg.url, "KV_PATH": kvDir.file("must-not-be-created")]
        let a = try EdgeProcess(environment: env)
        let b = try EdgeProcess(environment: env)
        #expect(Self.edgeKV(pg.url, #"set '["hello","greeting"]' '"Hi from the fleet"'"#) == 0)
        for edge in [a, b] {
            let r = try RawHTTP.request(port: edge.port, "GET", "/hello/kv")
            #expect(r.status == 200 && r.text == "Hi from the fleet", "\(r.status) \(r.text)\n\(edge.log)")
        }
        #expect(access(kvDir.file("must-not-be-created"), F_OK) != 0, "with KV_URL no LMDB directory is made")

        pg.stop()
        var started = Self.timeNow()
        let down = try RawHTTP.request(port: a.port, "GET", "/hello/kv")
        #expect(down.status == 503 && down.text.contains("storage_unavailable"), "\(down.status) \(down.text)")
        #expect(Self.timeNow() - started < 12, "an outage answers, never hangs")
        let health = try RawHTTP.request(port: b.port, "GET", "/healthz")
        #expect(health.status == 200, "the process stays up and serves what needs no KV")

        try pg.start()
        started = Self.timeNow()
        var recovered = [false, false]
        while recovered.contains(false) && Self.timeNow() - started < 20 {
            for (i, edge) in [a, b].enumerated() where !recovered[i] {
                recovered[i] = (try? RawHTTP.request(port: edge.port, "GET", "/hello/kv"))?.status == 200
            }
            if recovered.contains(false) { usleep(200_000) }
        }
        #expect(recovered == [true, true], "both instances resume by themselves")
    }

    @Test func anEveryMinuteCronRunsOncePerTickAcrossTwoInstances() throws {
        let pg = try TemporaryPostgres()
        let config = CronIntegrationTests.writeConfig(#"{"crons":[{"path":"/healthz","schedule":"* * * * *"}]}"#)
        let env = ["KV_URL": pg.url, "EDGE_CONFIG": config]
        let a = try EdgeProcess(environment: env)
        let b = try EdgeProcess(environment: env)
        // Wait until both instances have handled the first tick (at most ~61 s): each logs its own
        // outcome for it, "ok" for the one that ran it and a lost lease for the other.
        var handled = false
        for _ in 0..<75 where !handled {
            handled = a.log.contains("cron /healthz") && b.log.contains("cron /healthz")
            if !handled { sleep(1) }
        }
        #expect(handled, "both instances saw the tick\nA:\n\(a.log)\nB:\n\(b.log)")
        let ran = [a, b].map { $0.log.components(separatedBy: "outcome=ok").count - 1 }
        #expect(ran.reduce(0, +) == 1, "one run for one tick across both instances: \(ran)\nA:\n\(a.log)\nB:\n\(b.log)")
    }

    static func timeNow() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

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

    /// Three instances on one store, a cron every second for 30 s: every tick runs exactly once in
    /// the fleet (one `ok` among the three logs, the others lost the lease), and the route's own KV
    /// counter, an atomic sum per run, equals the number of runs.
    @Test func anEverySecondCronRunsEachTickOnceAcrossThreeInstances() throws {
        let pg = try TemporaryPostgres()
        let config = CronIntegrationTests.writeConfig(#"{"crons":[{"path":"/hello/cron","schedule":"* * * * * *"}]}"#)
        let env = ["KV_URL": pg.url, "EDGE_CONFIG": config]
        let fleet = try (0..<3).map { _ in try EdgeProcess(environment: env) }
        sleep(30)
        for edge in fleet { _ = edge.stop() }

        // tick -> outcomes, per instance (each serving process of an instance schedules, so an
        // instance logs one outcome per worker for each tick).
        let runs = fleet.map { Self.cronRuns(in: $0.log, path: "/hello/cron") }
        let logs = fleet.enumerated().map { "instance \($0.offset):\n\($0.element.log)" }.joined(separator: "\n")
        // The seconds every instance was scheduling: from the last first tick to the first last tick.
        guard runs.allSatisfy({ !$0.isEmpty }), let from = runs.compactMap({ $0.keys.min() }).max(),
              let to = runs.compactMap({ $0.keys.max() }).min() else {
            Issue.record("an instance logged no cron run\n\(logs)")
            return
        }
        #expect(to - from >= 20, "the three instances scheduled together for \(to - from) s\n\(logs)")
        var okTicks = 0
        for tick in from...to {
            let outcomes = runs.map { $0[tick] ?? [] }
            #expect(outcomes.allSatisfy { !$0.isEmpty }, "every instance handled tick \(tick): \(outcomes)\n\(logs)")
            let all = outcomes.flatMap { $0 }
            let ok = all.filter { $0.hasPrefix("ok(") }.count
            // A tick that finds the previous run still in progress is skipped everywhere (no overlap).
            #expect(ok == 1 || (ok == 0 && all.contains("skipped(overlap)")), "tick \(tick) ran \(ok) times: \(outcomes)\n\(logs)")
            okTicks += ok
        }
        #expect(okTicks >= (to - from + 1) * 9 / 10, "\(okTicks) of \(to - from + 1) ticks ran")
        let allOk = runs.reduce(0) { $0 + $1.values.reduce(0) { $0 + $1.filter { $0.hasPrefix("ok(") }.count } }
        let counted = try EdgeCLI.run(["kv", "get", #"["hello","cron-runs"]"#], in: "/tmp", env: ["KV_URL": pg.url])
        #expect(counted.status == 0 && counted.out.contains("\(allOk)"), "the KV counter says \(counted.out) \(counted.err), the logs \(allOk) runs")
    }

    /// `scheduled` second -> the outcomes logged for it (`cron PATH scheduled=... outcome=...` lines).
    static func cronRuns(in log: String, path: String) -> [Int64: [String]] {
        var runs: [Int64: [String]] = [:]
        for line in log.split(separator: "\n") where line.contains("cron \(path) scheduled=") {
            guard let s = line.range(of: "scheduled="), let o = line.range(of: "outcome="),
                  let tick = secondsSinceEpoch(String(line[s.upperBound...].prefix { $0 != " " })) else { continue }
            runs[tick, default: []].append(String(line[o.upperBound...].prefix { $0 != " " && $0 != "\"" }))
        }
        return runs
    }

    /// `2026-11-25T03:00:00Z` as seconds since the epoch.
    static func secondsSinceEpoch(_ iso: String) -> Int64? {
        let n = iso.split(whereSeparator: { !$0.isNumber }).compactMap { Int32($0) }
        guard n.count == 6, iso.hasSuffix("Z") else { return nil }
        var fields = tm()
        (fields.tm_year, fields.tm_mon, fields.tm_mday) = (n[0] - 1900, n[1] - 1, n[2])
        (fields.tm_hour, fields.tm_min, fields.tm_sec) = (n[3], n[4], n[5])
        return Int64(timegm(&fields))
    }

    static func timeNow() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

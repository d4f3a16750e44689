import EdgeTesting
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `edge serve` as a supervisor and worker processes, against the real binary: a trapping handler takes
/// down its own worker only, acknowledged writes survive kill -9 of workers, the workers follow a
/// killed supervisor, SIGHUP restarts without refusing a connection.
@Suite(.serialized) struct WorkerIsolationTests {
    static let faults = ["EDGE_TEST_FAULTS": "1", "EDGE_ADMIN_TOKEN": "t"]

    func start(_ workers: Int, _ env: [String: String] = [:]) throws -> (EdgeProcess, TemporaryDirectory) {
        let kv = try TemporaryDirectory(prefix: "edge-workers")
        var all = Self.faults
        all["KV_PATH"] = kv.path
        all["ACCESS_LOG"] = "off"  // the tests read the log for worker pids; keep it short
        for (k, v) in env { all[k] = v }
        return (try EdgeProcess(arguments: ["serve", "--workers", String(workers)], environment: all), kv)
    }

    /// Pids of the workers that reported ready, in order.
    static func workerPids(_ log: String) -> [pid_t] {
        log.split(separator: "\n").filter { $0.contains(#""msg":"worker ready""#) }.compactMap { line in
            guard let r = line.firstRange(of: #""pid":""#) else { return nil }
            return pid_t(line[r.upperBound...].prefix { $0.isNumber })
        }
    }

    static func waitUntil(_ seconds: Double, _ condition: () -> Bool) -> Bool {
        for _ in 0..<Int(seconds * 100) {
            if condition() { return true }
            usleep(10_000)
        }
        return condition()
    }

    static func alive(_ pid: pid_t) -> Bool { kill(pid, 0) == 0 }

    /// Runs `body(i)` for each of `count` on threads of their own (blocking sockets: Dispatch's global
    /// queue would run only a few at a time) and waits for all of them.
    static func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) async {
        await withTaskGroup(of: Void.self) { group in
            for i in 0..<count { group.addTask { _ = try? await RawHTTP.onOwnThread { body(i) } } }
        }
    }

    @Test func aTrappingHandlerTakesDownItsOwnWorkerOnly() async throws {
        let (edge, kv) = try start(2)
        defer { withExtendedLifetime(kv) {} }
        let port = edge.port
        #expect(Self.waitUntil(10) { Self.workerPids(edge.log).count == 2 })
        let outcomes = Mutex<[(status: Int?, body: String, seconds: Double)]>([])
        let trap = Task { () -> (Double, Int?) in
            try await Task.sleep(for: .milliseconds(150))  // the 32 are in flight on both workers
            let t0 = Self.now()
            let r = try? await RawHTTP.onOwnThread {
                try RawHTTP.request(port: port, "GET", "/__edge/test/trap", headers: ["authorization": "Bearer t", "x-request-id": "the-trap"])
            }
            return (t0, r?.status)
        }
        await Self.onThreads(32) { _ in
            let t0 = Self.now()
            let r = try? RawHTTP.request(port: port, "GET", "/__edge/test/sleep?ms=600", headers: ["authorization": "Bearer t"])
            outcomes.withLock { $0.append((r?.status, r?.text ?? "", Self.now() - t0)) }
        }
        let trapped = try await trap.value
        #expect(trapped.1 == nil, "the trapping request's connection is closed, not answered")
        let all = outcomes.withLock { $0 }
        #expect(all.count == 32)
        #expect(all.allSatisfy { $0.seconds < 5 }, "no request hangs: \(all.map(\.seconds))")
        let served = all.filter { $0.status == 200 }
        #expect(!served.isEmpty, "the other worker kept serving")
        let dead = Self.workerPids(edge.log)[0...1].filter { !Self.alive($0) }
        #expect(dead.count == 1, "exactly one worker died")
        #expect(served.allSatisfy { !$0.body.hasSuffix(" \(dead.first ?? -1)") }, "every request on a surviving worker succeeded")
        // The dead one is replaced within a second of the trap.
        #expect(Self.waitUntil(1) { Self.workerPids(edge.log).count == 3 }, "restarted within 1 s:\n\(edge.log.suffix(2000))")
        let recovered = Self.now() - trapped.0
        #expect(recovered < 1.5, "recovery took \(recovered) s")
        #expect(edge.log.contains(#""msg":"worker exited; restarting""#) && edge.log.contains("SIGILL"))
        #expect(edge.log.contains(#""the-trap GET /__edge/test/trap""#), "the crash line names the request the worker died on")
        try await RawHTTP.onOwnThread { () throws -> Void in
            for _ in 0..<20 { #expect(try RawHTTP.request(port: port, "GET", "/hello").status == 200) }
        }
        #expect(edge.stop() == 0)
    }

    @Test func acknowledgedWritesSurviveKillNineOfWorkers() async throws {
        let (edge, kv) = try start(2)
        defer { withExtendedLifetime(kv) {} }
        let port = edge.port
        // Each acknowledged write with the number of kills before it.
        let acknowledged = Mutex<[(id: String, kills: Int)]>([])
        let stop = Atomic<Bool>(false)
        let kills = Atomic<Int>(0)
        let victims = Mutex<Set<Int32>>([])
        let killer = Task {
            for _ in 0..<20 {
                try await Task.sleep(for: .milliseconds(150))
                let live = Self.workerPids(edge.log).filter(Self.alive)
                if let victim = live.randomElement(), kill(victim, SIGKILL) == 0 { victims.withLock { _ = $0.insert(victim) } }
                kills.add(1, ordering: .relaxed)
            }
            try await Task.sleep(for: .milliseconds(300))
            stop.store(true, ordering: .relaxed)
        }
        await Self.onThreads(16) { writer in
            var n = 0
            while !stop.load(ordering: .relaxed) {
                n += 1
                let id = "w\(writer)-\(n)"
                let r = try? RawHTTP.request(port: port, "PUT", "/api/sessions/\(id)", headers: ["content-type": "application/json"],
                                             body: Array(#"{"state":{"savedAt":\#(n),"v":"\#(id)"}}"#.utf8))
                if r?.status == 204 { acknowledged.withLock { $0.append((id, kills.load(ordering: .relaxed))) } }
            }
        }
        try await killer.value
        let acks = acknowledged.withLock { $0 }
        let ids = acks.map(\.id)
        // The load kept writing through the kills (how many depends on the machine's load; that writes went
        // on between kills and after the last one does not).
        let phases = Set(acks.map(\.kills))
        #expect(phases.count >= 5 && phases.contains(20), "writes acknowledged between kills \(phases.sorted()), \(ids.count) in all")
        // Every worker killed was restarted (how many were killed depends on how fast restarts come under load).
        let killed = victims.withLock { $0.count }
        #expect(killed >= 5)
        #expect(Self.waitUntil(5) { edge.log.components(separatedBy: #""msg":"worker exited; restarting""#).count - 1 >= killed },
                "\(killed) workers killed, restarts logged: \(edge.log.components(separatedBy: #""msg":"worker exited; restarting""#).count - 1)")
        let missing = try await RawHTTP.onOwnThread { () throws -> [String] in
            ids.filter { (try? RawHTTP.request(port: port, "GET", "/api/sessions/\($0)").status) != 200 }
        }
        #expect(missing.isEmpty, "acknowledged writes lost: \(missing.prefix(10))")
        #expect(edge.stop() == 0)
    }

    @Test func workersFollowAKilledSupervisorAndARestartServesTheSameData() async throws {
        let kv = try TemporaryDirectory(prefix: "edge-workers")
        var env = Self.faults
        env["KV_PATH"] = kv.path
        let first = try EdgeProcess(arguments: ["serve", "--workers", "2"], environment: env)
        #expect(Self.waitUntil(10) { Self.workerPids(first.log).count == 2 })
        let workers = Self.workerPids(first.log)
        #expect(try RawHTTP.request(port: first.port, "PUT", "/api/sessions/kept", body: Array(#"{"state":{"savedAt":1}}"#.utf8)).status == 204)
        _ = first.stop(signal: SIGKILL, timeout: 5)
        #expect(Self.waitUntil(10) { !workers.contains(where: Self.alive) }, "the workers exit when their supervisor dies")
        let second = try EdgeProcess(arguments: ["serve", "--workers", "2"], environment: env)
        #expect(try RawHTTP.request(port: second.port, "GET", "/api/sessions/kept").status == 200)
        #expect(second.stop() == 0)
    }

    @Test func sighupRestartsEveryWorkerWithoutRefusingAConnection() async throws {
        let (edge, kv) = try start(2)
        defer { withExtendedLifetime(kv) {} }
        let port = edge.port
        #expect(Self.waitUntil(10) { Self.workerPids(edge.log).count == 2 })
        let before = Self.workerPids(edge.log)
        let failures = Mutex<[String]>([])
        let served = Atomic<Int>(0)
        let start = Self.now()
        let hangup = Task {
            try await Task.sleep(for: .milliseconds(300))
            kill(edge.pid, SIGHUP)
        }
        // Four clients for 2.5 s, across the whole rolling restart.
        await Self.onThreads(4) { _ in
            while Self.now() - start < 2.5 {
                do {
                    let r = try RawHTTP.request(port: port, "GET", "/hello", timeoutSeconds: 5)
                    if r.status == 200 { served.add(1, ordering: .relaxed) } else { failures.withLock { $0.append("status \(r.status)") } }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
        }
        try await hangup.value
        #expect(!before.contains(where: Self.alive), "every old worker was replaced")
        #expect(Self.workerPids(edge.log).count >= 4)
        #expect(failures.withLock { $0 }.isEmpty, "refused or dropped: \(failures.withLock { $0.prefix(5) })")
        #expect(served.load(ordering: .relaxed) > 50)
        #expect(edge.stop() == 0)
    }

    @Test func anUnusableDataDirectoryStopsStartUpUnlessAskedToServeWithoutKV() throws {
        let file = try TemporaryDirectory(prefix: "edge-notadir")
        try file.write("kv", "a file where the data directory should be")
        do {
            _ = try EdgeProcess(arguments: ["serve", "--workers", "1"], environment: ["KV_PATH": file.file("kv")])
            Issue.record("started with an unusable data directory")
        } catch let e as EdgeProcess.StartError {
            #expect(e.description.contains("could not be opened"), "\(e.description)")
        }
        let degraded = try EdgeProcess(arguments: ["serve", "--workers", "1", "--no-kv"], environment: ["KV_PATH": file.file("kv")])
        let health = try RawHTTP.request(port: degraded.port, "GET", "/healthz")
        #expect(health.status == 503, "readiness says the store is down")
        #expect(try RawHTTP.request(port: degraded.port, "GET", "/hello").status == 200)
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

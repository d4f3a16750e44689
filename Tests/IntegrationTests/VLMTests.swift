import EdgeTesting
import Dispatch
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// System 004 against the real binary: prompts on KV, races, SSE passthrough, the backup cron.
@Suite(.serialized) struct VLMIntegrationTests {
    static let admin = ["x-admin-token": "adm", "content-type": "application/json"]

    static func run(_ args: [String], env: [String: String]) throws -> (Int32, String) {
        let out = "/tmp/edge-cli-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).txt"
        var fa = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fa)
        posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&fa, 1, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = ([EdgeProcess.binary] + args).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        var pid: pid_t = 0
        guard posix_spawn(&pid, EdgeProcess.binary, &fa, nil, argv, envp) == 0 else { throw RawHTTP.Failure(description: "spawn failed") }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        defer { unlink(out) }
        return ((status >> 8) & 0xff, EdgeProcess.readFile(out))
    }

    @Test func promptsOnKVWithParallelCreates() throws {
        let kv = "/tmp/edge-vlm-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let edge = try EdgeProcess(environment: ["KV_PATH": kv, "VLM__ADMIN_TOKEN": "adm", "VLM__WRITE_RL_LIMIT": "1000"])
        let long = String(repeating: "Привет, мир! ", count: 770)  // ~10,000 Cyrillic-heavy characters
        let body = #"{"namespace":"default","name":"long","text":"\#(long)","lang":"ru","make_default":true}"#
        #expect(try RawHTTP.request(port: edge.port, "POST", "/v1/prompts", headers: ["content-type": "application/json"], body: Array(body.utf8)).status == 401)
        let created = try RawHTTP.request(port: edge.port, "POST", "/v1/prompts", headers: Self.admin, body: Array(body.utf8))
        #expect(created.status == 201)
        #expect(created.text.contains(long))
        let dup = try RawHTTP.request(port: edge.port, "POST", "/v1/prompts", headers: Self.admin, body: Array(body.utf8))
        #expect(dup.status == 409 && dup.text.contains("duplicate_prompt"))
        let def = try RawHTTP.request(port: edge.port, "GET", "/v1/prompts/default?namespace=default&lang=ru")
        #expect(def.status == 200 && def.text.contains(long))

        let port = edge.port
        let statuses = Mutex<[Int]>([])
        DispatchQueue.concurrentPerform(iterations: 50) { i in
            let b = #"{"namespace":"par","name":"p\#(i)","text":"t\#(i)"}"#
            let s = (try? RawHTTP.request(port: port, "POST", "/v1/prompts", headers: Self.admin, body: Array(b.utf8)).status) ?? -1
            statuses.withLock { $0.append(s) }
        }
        #expect(statuses.withLock { $0 }.allSatisfy { $0 == 201 })
        let list = try RawHTTP.request(port: edge.port, "GET", "/v1/prompts?namespace=par&limit=100")
        #expect(list.status == 200)
        let ids = Set(list.text.split(separator: "\"id\":").dropFirst().map { $0.prefix { $0.isNumber } })
        #expect(ids.count == 50, "50 distinct ids, all indexed")
        #expect(try RawHTTP.request(port: edge.port, "GET", "/v1/prompts/abc").status == 404)
        #expect(try RawHTTP.request(port: edge.port, "POST", "/v1/prompts", headers: Self.admin, body: Array("{nope".utf8)).status == 400)
    }

    @Test func visionStreamPassesUpstreamSSEThrough() async throws {
        let events = ["data: {\"choices\":[{\"delta\":{\"content\":\"Кот\"}}]}\n\n", "data: {\"choices\":[{\"delta\":{\"content\":\" на фото\"}}]}\n\n", "data: [DONE]\n\n"]
        let upstream = try await FakeUpstream.start { _, _ in
            .eventStream { w in
                for e in events {
                    try await w.write(e)
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
        }
        let kv = try TemporaryDirectory(prefix: "edge-vlm-s")
        let edge = try EdgeProcess(environment: [
            "KV_PATH": kv.path, "VLM__BIGMODEL_BASE_URL": upstream.url(), "VLM__BIGMODEL_API_KEY": "k",
        ])
        let r = try await RawHTTP.onOwnThread {
            try RawHTTP.request(port: edge.port, "POST", "/v1/vision/stream", headers: ["content-type": "application/json"],
                                body: Array(#"{"provider":"bigmodel","prompt":"Что на фото?","image_url":"https://example.com/cat.png"}"#.utf8))
        }
        #expect(r.status == 200)
        #expect(r.header("content-type")?.hasPrefix("text/event-stream") == true)
        #expect(r.text.contains(events.joined()))
        #expect(upstream.requests.map(\.path) == ["/chat/completions"])
    }

    @Test func backupCronIsListedAndRunsAgainstTheDataDirectory() throws {
        let kv = "/tmp/edge-vlm-c-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let env = ["KV_PATH": kv, "PATH": "/usr/bin:/bin"]
        let (rc, list) = try Self.run(["cron", "list"], env: env)
        #expect(rc == 0)
        #expect(list.contains("/admin/cron/backup") && list.contains("0 3 * * *") && list.contains("T03:00:00Z"), "\(list)")
        let (rc2, out) = try Self.run(["cron", "run", "/admin/cron/backup"], env: env)
        #expect(rc2 == 0, "\(out)")
        let (rc3, keys) = try Self.run(["kv", "list", #"["backups"]"#, "--path", kv], env: env)
        #expect(rc3 == 0)
        #expect(keys.contains("backups"), "\(keys)")
    }
}

/// The seed's race rules, against the real binary (one client address: 127.0.0.1).
@Suite(.serialized) struct VLMRaceTests {
    static let admin = ["x-admin-token": "adm", "content-type": "application/json"]

    @Test func parallelSetDefaultLeavesExactlyOneDefault() throws {
        let edge = try EdgeProcess(environment: ["KV_PATH": "/tmp/edge-vlm-d-\(getpid())-\(UInt32.random(in: 0...UInt32.max))", "VLM__ADMIN_TOKEN": "adm", "VLM__WRITE_RL_LIMIT": "1000"])
        var ids: [String] = []
        for i in 0..<6 {
            let r = try RawHTTP.request(port: edge.port, "POST", "/v1/prompts", headers: Self.admin, body: Array(#"{"namespace":"d","name":"n\#(i)","text":"t"}"#.utf8))
            #expect(r.status == 201)
            ids.append(String(r.text.split(separator: "\"id\":")[1].prefix { $0.isNumber }))
        }
        let port = edge.port
        let targets = ids
        DispatchQueue.concurrentPerform(iterations: 24) { i in
            _ = try? RawHTTP.request(port: port, "PUT", "/v1/prompts/\(targets[i % targets.count])/default", headers: Self.admin)
        }
        let list = try RawHTTP.request(port: edge.port, "GET", "/v1/prompts?namespace=d&limit=100")
        let defaults = list.text.split(separator: "\"is_default\":true", omittingEmptySubsequences: false).count - 1
        #expect(defaults == 1, "\(list.text)")
        #expect(try RawHTTP.request(port: edge.port, "GET", "/v1/prompts/default?namespace=d&lang=en").status == 200)
    }

    @Test func writeLimitAdmitsExactlyTheLimitAndOneNonceOnce() throws {
        // The limit is per fixed window (`floor(now / window)`): 64 requests straddling a window's end would
        // rightly get two windows' worth. A day-long window, and never within 5 s of its end.
        let edge = try EdgeProcess(environment: ["KV_PATH": "/tmp/edge-vlm-r-\(getpid())-\(UInt32.random(in: 0...UInt32.max))", "VLM__ADMIN_TOKEN": "adm",
                                                 "VLM__WRITE_RL_LIMIT": "20", "VLM__WRITE_RL_WINDOW_SEC": "86400"])
        let port = edge.port
        let untilNextWindow = 86_400 - Int(time(nil)) % 86_400
        if untilNextWindow < 5 { sleep(UInt32(untilNextWindow + 1)) }
        let statuses = Mutex<[Int]>([])
        DispatchQueue.concurrentPerform(iterations: 64) { i in
            let s = (try? RawHTTP.request(port: port, "POST", "/v1/prompts", headers: Self.admin, body: Array(#"{"namespace":"rl","name":"p\#(i)","text":"t"}"#.utf8)).status) ?? -1
            statuses.withLock { $0.append(s) }
        }
        let s = statuses.withLock { $0 }
        #expect(s.filter { $0 == 201 }.count == 20, "\(s)")
        #expect(s.filter { $0 == 429 }.count == 44)

        let edge2 = try EdgeProcess(environment: ["KV_PATH": "/tmp/edge-vlm-n-\(getpid())-\(UInt32.random(in: 0...UInt32.max))", "VLM__ADMIN_TOKEN": "adm", "VLM__WRITE_RL_LIMIT": "1000"])
        let port2 = edge2.port
        let nonce = Mutex<[Int]>([])
        DispatchQueue.concurrentPerform(iterations: 16) { i in
            var h = Self.admin
            h["x-nonce"] = "once-123456789"
            let st = (try? RawHTTP.request(port: port2, "POST", "/v1/prompts", headers: h, body: Array(#"{"namespace":"nn","name":"p\#(i)","text":"t"}"#.utf8)).status) ?? -1
            nonce.withLock { $0.append(st) }
        }
        let n = nonce.withLock { $0 }
        #expect(n.filter { $0 == 201 }.count == 1, "\(n)")
        #expect(n.filter { $0 == 409 }.count == 15)
    }

    /// Hostile restores (ids past 2^53, versions and priorities past 32 bits) are 400 and store nothing,
    /// so nothing can make list or create trap, then or after a restart (Decision 0012).
    @Test func hostileRestoreIs400AndTheLibraryStillWorksAfterARestart() throws {
        let path = "/tmp/edge-vlm-b-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let env = ["KV_PATH": path, "VLM__ADMIN_TOKEN": "adm", "VLM__WRITE_RL_LIMIT": "1000"]
        func doc(_ id: String, version: String = "1", priority: String = "0") -> [UInt8] {
            Array(#"{"prompts":[{"id":\#(id),"namespace":"default","name":"n","version":\#(version),"lang":"en","text":"t","tags":[],"priority":\#(priority),"is_active":true,"is_default":false,"created_at":"x","updated_at":"x"}]}"#.utf8)
        }
        do {
            let edge = try EdgeProcess(environment: env)
            for body in [doc("9223372036854775295"), doc("9007199254740992"), doc("1", version: "9223372036854775807"),
                         doc("1", priority: "9223372036854775807")] {
                let r = try RawHTTP.request(port: edge.port, "POST", "/admin/restore", headers: Self.admin, body: body)
                #expect(r.status == 400, "\(r.text)")
            }
            let ok = try RawHTTP.request(port: edge.port, "POST", "/admin/restore", headers: Self.admin, body: doc("41", priority: "-2147483648"))
            #expect(ok.status == 200, "\(ok.text)")
        }
        let edge = try EdgeProcess(environment: env)
        let list = try RawHTTP.request(port: edge.port, "GET", "/v1/prompts")
        #expect(list.status == 200 && list.text.contains("\"id\":41"), "\(list.text)")
        let created = try RawHTTP.request(port: edge.port, "POST", "/v1/prompts", headers: Self.admin, body: Array(#"{"namespace":"default","name":"m","text":"t"}"#.utf8))
        #expect(created.status == 201 && created.text.contains("\"id\":42"), "\(created.text)")
    }
}

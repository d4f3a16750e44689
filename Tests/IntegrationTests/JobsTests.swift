import EdgeTesting
import Dispatch
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// System 002 against the real binary on LMDB: jobs run through the KV queue, one idempotency key under
/// 32 concurrent sockets, and a `kill -9` in the middle of the queue.
@Suite(.serialized) struct JobsTests {
    static func kvDir() -> String { "/tmp/edge-jobs-\(getpid())-\(UInt32.random(in: 0...UInt32.max))" }

    static let image: String = TestImage.dataURL(TestImage.png(width: 32, height: 24, pixels: TestImage.gray(width: 32, height: 24) { x, y in
        (8..<20).contains(x) && (4..<12).contains(y) ? 0 : 255
    }))

    static func create(_ port: Int, _ extra: String = "") throws -> RawHTTP.Response {
        try RawHTTP.request(port: port, "POST", "/jobs", headers: ["content-type": "application/json"],
                            body: Array((#"{"task":"detect-objects","imageBase64":"\#(image)""# + extra + "}").utf8))
    }

    static func field(_ r: RawHTTP.Response, _ name: String) -> String? {
        (try? JSONValue.parse(r.body))?[name]?.stringValue
    }

    static func status(_ port: Int, _ id: String) throws -> RawHTTP.Response {
        try RawHTTP.request(port: port, "GET", "/jobs/\(id)")
    }

    /// Polls until the job is terminal (up to `seconds`); returns the last status body.
    static func waitTerminal(_ port: Int, _ id: String, seconds: Int = 30) throws -> RawHTTP.Response {
        var last = try status(port, id)
        for _ in 0..<(seconds * 20) {
            if let s = field(last, "status"), ["done", "failed", "timeout", "canceled"].contains(s) { return last }
            usleep(50_000)
            last = try status(port, id)
        }
        return last
    }

    @Test func aJobRunsToDoneAndOneKeyIsOneJob() throws {
        let edge = try EdgeProcess(environment: ["KV_PATH": Self.kvDir()])
        let port = edge.port
        let created = try Self.create(port)
        #expect(created.status == 200 && created.header("access-control-allow-origin") == "*")
        let id = try #require(Self.field(created, "jobId"))
        #expect(Self.field(try Self.waitTerminal(port, id), "status") == "done")
        let result = try RawHTTP.request(port: port, "GET", "/jobs/\(id)/result")
        #expect(result.status == 200 && result.text.contains(#""objects":[{"x":7,"y":3,"width":13,"height":9"#))

        let ids = Mutex<[String?]>([])
        DispatchQueue.concurrentPerform(iterations: 32) { _ in
            let r = try? Self.create(port, #","idempotencyKey":"socket-race""#)
            ids.withLock { $0.append(r.flatMap { Self.field($0, "jobId") }) }
        }
        let all = ids.withLock { $0 }
        #expect(all.count == 32 && all.allSatisfy { $0 != nil } && Set(all).count == 1, "\(Set(all))")
        let health = try RawHTTP.request(port: port, "GET", "/health")
        #expect(health.text.contains(#""jobsInMemory":2"#) && health.text.contains(#""idempotencyKeysInMemory":1"#))
    }

    @Test func badInputOverSocketsIsA4xxInTheContractAndTheServerStaysUp() throws {
        let edge = try EdgeProcess(environment: ["KV_PATH": Self.kvDir()])
        let port = edge.port
        func detect(_ image: String) throws -> RawHTTP.Response {
            try RawHTTP.request(port: port, "POST", "/detect/objects", headers: ["content-type": "application/json"],
                                body: Array(#"{"imageBase64":"\#(image)"}"#.utf8))
        }
        var header = TestImage.png(width: 32, height: 24, pixels: [UInt8](repeating: 255, count: 32 * 24))
        for (i, b) in ([0, 0, 0x75, 0x30, 0, 0, 0x75, 0x30] as [UInt8]).enumerated() { header[16 + i] = b }
        for image in ["data:image/gif;base64,R0lGODlhAQABAAAAACw=", TestImage.dataURL(header), "no comma"] {
            let r = try detect(image)
            #expect(r.status == 400 && Self.field(r, "code") == "invalid_image_payload", "\(r.text)")
        }
        // The head announces 10 MiB + 1; the server answers 413 without reading the body.
        let big = try RawHTTP.raw(port: port, Array("POST /jobs HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: \(10 * 1024 * 1024 + 1)\r\n\r\n{".utf8))
        #expect(big.status == 413 && Self.field(big, "code") == "payload_too_large")
        let malformed = try RawHTTP.request(port: port, "POST", "/jobs", body: Array("{".utf8))
        #expect(malformed.status == 422 && Self.field(malformed, "code") == "validation_error")
        let wrong = try RawHTTP.request(port: port, "DELETE", "/jobs")
        #expect(wrong.status == 405 && Self.field(wrong, "code") == "http_error" && wrong.text.contains(#""path":"/jobs""#))
        let health = try RawHTTP.request(port: port, "GET", "/health")
        #expect(health.status == 200 && health.text.contains(#""jobsInMemory":0"#), "nothing was stored")
    }

    @Test func killNineMidQueueLosesNoAcceptedJob() throws {
        let dir = Self.kvDir()
        let env = ["KV_PATH": dir, "JOB_RUN_TIMEOUT_SECONDS": "120"]
        var running: [String] = []
        var queued: [String] = []
        do {
            let edge = try EdgeProcess(arguments: ["serve", "--workers", "0"], environment: env)
            // 100 long jobs fill the consumer's 100 slots; the next ones wait in the queue.
            for _ in 0..<100 { running.append(try #require(Self.field(try Self.create(edge.port, #","debugSleepMs":60000"#), "jobId"))) }
            for _ in 0..<5 { queued.append(try #require(Self.field(try Self.create(edge.port), "jobId"))) }
            var started = 0
            for _ in 0..<200 {
                started = try running.filter { Self.field(try Self.status(edge.port, $0), "status") == "running" }.count
                if started == 100 { break }
                usleep(50_000)
            }
            #expect(started == 100)
            for id in queued { #expect(Self.field(try Self.status(edge.port, id), "status") == "pending") }
            _ = edge.stop(signal: SIGKILL)
        }
        let edge = try EdgeProcess(arguments: ["serve", "--workers", "0"], environment: env)
        for id in queued {
            let r = try Self.waitTerminal(edge.port, id)
            #expect(Self.field(r, "status") == "done", "an accepted job runs after the restart: \(r.text)")
        }
        for id in running {
            let r = try Self.waitTerminal(edge.port, id)
            #expect(Self.field(r, "status") == "failed" && Self.field(r, "error") == "interrupted by restart", "\(r.text)")
        }
        let list = try RawHTTP.request(port: edge.port, "GET", "/jobs?limit=100&status=failed")
        #expect(list.status == 200)
    }
}

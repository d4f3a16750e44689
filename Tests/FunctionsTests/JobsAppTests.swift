import EdgeTesting
import Testing

/// System 002's job lifecycle through the router (CONTRACTS §3.3, §3.5): the original's own tests,
/// translated, and the races. Time is the KV clock (`ManualKvClock`): sleeps and deadlines move only
/// when the test advances it.
@Suite struct JobsAppTests {
    @Test func healthContract() async throws {
        let h = try JobsHarness(["JOB_RUN_TIMEOUT_SECONDS": "2.5"])
        let r = await h.client.send(.get, "/health", headers: ["origin": "http://127.0.0.1:4173"])
        #expect(r.status == 200)
        #expect(r.json?["status"] == "ok" && r.json?["service"] == "backend-ai-mvp" && r.json?["version"] == "0.5.0")
        #expect(r.json?["jobsInMemory"] == 0 && r.json?["idempotencyKeysInMemory"] == 0 && r.json?["jobRunTimeoutSec"] == 2.5)
        #expect(r.json?["requestId"]?.stringValue == r.header("x-request-id"))
        #expect(r.header("access-control-allow-origin") == "*" && r.header("access-control-allow-credentials") == nil)
        let other = await h.client.send(.get, "/health")
        #expect(other.json?["requestId"] != r.json?["requestId"], "a fresh requestId in every body")
    }

    @Test func happyPathRunsThroughTheQueue() async throws {
        let h = try JobsHarness()
        let created = await h.create()
        #expect(created.status == 200 && created.json?["status"] == "pending")
        #expect(created.json?["acceptedAt"]?.stringValue == "2026-01-01T00:00:00Z")
        let id = try #require(created.json?["jobId"]?.stringValue)
        #expect(try await h.waitTerminal(id) == "done")
        let job = await h.client.send(.get, "/jobs/\(id)")
        #expect(job.json?["startedAt"]?.stringValue != nil && job.json?["finishedAt"]?.stringValue != nil)
        #expect(job.json?["error"] == .null && job.json?["task"] == "detect-objects")
        let result = await h.client.send(.get, "/jobs/\(id)/result")
        #expect(result.status == 200)
        #expect(result.json?["jobId"]?.stringValue == id && result.json?["requestId"] != nil && result.json?["latencyMs"]?.doubleValue != nil)
        #expect(result.json?["modelVersion"] == "backend-mvp-edge-heuristic-0.5.0")
        #expect(result.json?["objects"] == [["x": 7, "y": 3, "width": 13, "height": 9, "label": "foreground", "score": 0.402]])
    }

    @Test func resultOfAnUnfinishedJobIs409() async throws {
        let h = try JobsHarness()
        let id = try await h.createdId(#","debugSleepMs":400"#)
        let r = await h.client.send(.get, "/jobs/\(id)/result")
        #expect(r.status == 409 && r.code == "job_not_completed" && r.json?["requestId"] != nil)
        #expect(r.json?["details"]?["jobId"]?.stringValue == id)
        #expect(try await h.wait(id) { $0 == "running" } == "running")  // the sleep starts with the run
        h.clock.advance(by: 400)
        #expect(try await h.waitTerminal(id) == "done")
    }

    @Test func cancelWinsOverALateResult() async throws {
        let h = try JobsHarness()
        let id = try await h.createdId(#","debugSleepMs":600"#)
        #expect(try await h.wait(id) { $0 == "running" } == "running")
        let canceled = await h.client.send(.post, "/jobs/\(id)/cancel")
        #expect(canceled.status == 200 && canceled.json?["status"] == "canceled" && canceled.json?["error"] == "job canceled by user")
        #expect(await h.client.send(.post, "/jobs/\(id)/cancel").status == 200, "idempotent")
        h.clock.advance(by: 600)  // the run ends now; its result must be dropped
        try await Task.sleep(for: .milliseconds(200))
        #expect(await h.status(id) == "canceled")
        let result = await h.client.send(.get, "/jobs/\(id)/result")
        #expect(result.status == 409 && result.code == "job_canceled" && result.json?["message"] == "job canceled by user")
    }

    @Test func aPendingJobCanBeCanceledAndADoneOneCannot() async throws {
        let h = try JobsHarness()
        let done = try await h.createdId()
        #expect(try await h.waitTerminal(done) == "done")
        let refused = await h.client.send(.post, "/jobs/\(done)/cancel")
        #expect(refused.status == 409 && refused.code == "job_not_cancelable" && refused.json?["message"] == "job already completed")
        #expect(refused.json?["details"]?["status"] == "done")
    }

    @Test func timeoutIsEnforcedAtTheDeadline() async throws {
        let h = try JobsHarness(["JOB_RUN_TIMEOUT_SECONDS": "1"])
        let id = try await h.createdId(#","debugSleepMs":5000"#)
        #expect(try await h.wait(id) { $0 == "running" } == "running")
        h.clock.advance(by: 999)
        try await Task.sleep(for: .milliseconds(100))
        #expect(await h.status(id) == "running", "not before the deadline")
        h.clock.advance(by: 1)
        #expect(try await h.waitTerminal(id) == "timeout")
        let job = await h.client.send(.get, "/jobs/\(id)")
        #expect(job.json?["error"] == "job exceeded processing timeout")
        h.clock.advance(by: 5000)  // the detector's late result is discarded
        try await Task.sleep(for: .milliseconds(200))
        #expect(await h.status(id) == "timeout")
        let result = await h.client.send(.get, "/jobs/\(id)/result")
        #expect(result.status == 409 && result.code == "job_timeout")
    }

    @Test func aBadImageFailsTheJob() async throws {
        let h = try JobsHarness()
        let id = try await h.createdId(image: "data:image/gif;base64,R0lGODlhAQABAAAAACw=")
        #expect(try await h.waitTerminal(id) == "failed")
        let result = await h.client.send(.get, "/jobs/\(id)/result")
        #expect(result.status == 409 && result.code == "job_failed")
        #expect(result.json?["message"]?.stringValue?.hasPrefix("invalid image payload: unsupported image format (gif)") == true)
    }

    @Test func unknownJobsAre404WithTheContract() async throws {
        let h = try JobsHarness()
        for (method, path) in [("GET", "/jobs/does-not-exist"), ("GET", "/jobs/does-not-exist/result"), ("POST", "/jobs/does-not-exist/cancel")] {
            let r = await h.client.send(method == "GET" ? .get : .post, path)
            #expect(r.status == 404 && r.code == "job_not_found" && r.json?["message"] == "job not found", "\(path)")
            #expect(r.json?["requestId"] != nil && r.json?["details"]?["jobId"] == "does-not-exist")
        }
        let long = String(repeating: "x", count: 5000)
        #expect(await h.client.send(.get, "/jobs/\(long)").status == 404)
    }

    @Test func oneIdempotencyKeyIsOneJob() async throws {
        let h = try JobsHarness()
        let first = await h.create(#","idempotencyKey":"key-123","debugSleepMs":300"#)
        let second = await h.create(#","idempotencyKey":"key-123","debugSleepMs":300"#)
        #expect(first.json?["jobId"] != nil && first.json?["jobId"] == second.json?["jobId"])
        #expect(first.json?["acceptedAt"] == second.json?["acceptedAt"] && first.json?["requestId"] != second.json?["requestId"])
    }

    @Test func thirtyTwoConcurrentCreatesWithOneKeyMakeOneJob() async throws {
        let h = try JobsHarness()
        let ids = await withTaskGroup(of: String?.self) { group in
            for _ in 0..<32 { group.addTask { await h.create(#","idempotencyKey":"race","debugSleepMs":100"#).json?["jobId"]?.stringValue } }
            var all: [String?] = []
            for await id in group { all.append(id) }
            return all
        }
        #expect(ids.count == 32 && ids.allSatisfy { $0 != nil })
        #expect(Set(ids.compactMap { $0 }).count == 1)
        let health = await h.client.send(.get, "/health")
        #expect(health.json?["jobsInMemory"] == 1 && health.json?["idempotencyKeysInMemory"] == 1)
        #expect(try h.client.kv.count(.prefix(["jobs", "payloadInline"])) == 1, "one image, written with the one job")
    }

    @Test func largeImagesAreChunkedAndTheLosersChunksDeleted() async throws {
        let h = try JobsHarness()
        var seed: UInt32 = 7
        let noise = TestImage.gray(width: 256, height: 256) { _, _ in
            seed = seed &* 1_664_525 &+ 1_013_904_223
            return UInt8(truncatingIfNeeded: seed >> 24)
        }
        let image = TestImage.dataURL(TestImage.png(width: 256, height: 256, pixels: noise))
        #expect(image.utf8.count > 60 * 1024)
        let ids = await withTaskGroup(of: String?.self) { group in
            for _ in 0..<8 {
                group.addTask { await h.create(#","idempotencyKey":"big","debugSleepMs":50"#, image: image).json?["jobId"]?.stringValue }
            }
            var all: [String?] = []
            for await id in group { all.append(id) }
            return all
        }
        #expect(Set(ids.compactMap { $0 }).count == 1 && ids.count == 8)
        #expect(try h.client.kv.count(.prefix(["jobs", "payload"])) == 1, "one chunked image left: the winner's")
        let id = try #require(ids.first ?? nil)
        #expect(try await h.wait(id) { $0 == "running" } == "running")
        h.clock.advance(by: 50)
        #expect(try await h.waitTerminal(id) == "done")
        #expect(try h.client.kv.count(.prefix(["jobs", "payload"])) == 0 && h.client.kv.count(.prefix(["jobs", "payloadChunk"])) == 0)
    }
}

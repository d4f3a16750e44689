import EdgeTesting
import Testing

/// `GET /jobs`, validation and purging of system 002 through the router (CONTRACTS §3.1, §3.3).
@Suite struct JobsListTests {
    func page(_ h: JobsHarness, _ query: String) async -> (ids: [String], next: String?, r: TestResponse) {
        let r = await h.client.send(.get, "/jobs" + query)
        let ids = r.json?["items"]?.arrayValue?.compactMap { $0["jobId"]?.stringValue } ?? []
        return (ids, r.json?["nextCursor"]?.stringValue, r)
    }

    @Test func pagesAreNewestFirstAndDifferent() async throws {
        let h = try JobsHarness()
        var created: [String] = []
        for i in 0..<3 { created.append(try await h.createdId(#","idempotencyKey":"list-\#(i)","debugSleepMs":250"#)) }
        let p1 = await page(h, "?limit=1")
        #expect(p1.r.status == 200 && p1.ids == [created[2]] && p1.r.json?["requestId"] != nil)
        let next = try #require(p1.next)
        let p2 = await page(h, "?limit=1&cursor=\(next)")
        #expect(p2.ids == [created[1]])
        #expect(await page(h, "?limit=1&cursor=0").ids == [created[2]], "cursor 0 is the first page")
        let item = try #require(p1.r.json?["items"]?.arrayValue?.first?.objectValue)
        #expect(item.keys == ["jobId", "status", "task", "createdAt", "startedAt", "finishedAt", "error"])
    }

    @Test func theStatusFilterAppliesBeforePaging() async throws {
        let h = try JobsHarness()
        let a = try await h.createdId(#","debugSleepMs":500"#)
        _ = try await h.createdId(#","debugSleepMs":500"#)
        let c = try await h.createdId(#","debugSleepMs":500"#)
        for id in [a, c] { #expect(await h.client.send(.post, "/jobs/\(id)/cancel").status == 200) }
        let p1 = await page(h, "?status=canceled&limit=1")
        #expect(p1.ids == [c] && p1.next != nil)
        let p2 = await page(h, "?status=canceled&limit=1&cursor=\(p1.next ?? "")")
        #expect(p2.ids == [a] && p2.next == nil)
        let all = await page(h, "?status=canceled&limit=20")
        #expect(all.r.json?["items"]?.arrayValue?.allSatisfy { $0["status"] == "canceled" } == true)
    }

    @Test func walkingThePagesWhileInsertingReturnsEveryJobOnce() async throws {
        let h = try JobsHarness()
        var before: Set<String> = []
        for _ in 0..<7 { before.insert(try await h.createdId(#","debugSleepMs":60000"#)) }
        var seen: [String] = []
        var cursor: String? = nil
        repeat {
            let p = await page(h, "?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""))
            seen += p.ids
            cursor = p.next
            _ = try await h.createdId(#","debugSleepMs":60000"#)  // an insert between pages
        } while cursor != nil
        #expect(seen.count == 7 && Set(seen) == before)
    }

    @Test func badQueriesAreRefused() async throws {
        let h = try JobsHarness()
        for c in ["not-a-number", "-1", "1.5", "99999999999999999999999999"] {
            let r = await h.client.send(.get, "/jobs?cursor=\(c)")
            #expect(r.status == 400 && r.code == "invalid_cursor" && r.json?["details"]?["cursor"]?.stringValue == c, "\(c)")
            #expect(r.json?["message"] == "cursor must be a non-negative integer")
        }
        for l in ["0", "101", "-5", "99999999999999999999999999"] {
            let r = await h.client.send(.get, "/jobs?limit=\(l)")
            #expect(r.status == 400 && r.code == "invalid_pagination" && r.json?["message"] == "limit must be between 1 and 100", "\(l)")
        }
        for q in ["limit=abc", "limit=1.5", "status=bogus"] {
            let r = await h.client.send(.get, "/jobs?\(q)")
            #expect(r.status == 422 && r.code == "validation_error" && r.json?["details"]?["path"] == "/jobs", "\(q)")
            #expect(r.json?["details"]?["errors"]?.arrayValue?.isEmpty == false)
        }
    }

    @Test func invalidBodiesAre422AndCreateNothing() async throws {
        let h = try JobsHarness()
        let bodies = [
            "{nope", "[]", "null", #"{"task":"detect-objects"}"#, #"{"imageBase64":"x"}"#,
            #"{"task":"other","imageBase64":"x"}"#, #"{"task":"detect-objects","imageBase64":5}"#,
            #"{"task":"detect-objects","imageBase64":"x","minScore":"high"}"#,
            #"{"task":"detect-objects","imageBase64":"x","debugSleepMs":1e300}"#,
            #"{"task":"detect-objects","imageBase64":"x","debugSleepMs":60001}"#,
            #"{"task":"detect-objects","imageBase64":"x","debugSleepMs":1.5}"#,
            #"{"task":"detect-objects","imageBase64":"x","idempotencyKey":7}"#,
            #"{"task":"detect-objects","imageBase64":"x","idempotencyKey":"\#(String(repeating: "k", count: 600))"}"#,
        ]
        for b in bodies {
            let r = await h.client.send(.post, "/jobs", json: b)
            #expect(r.status == 422 && r.code == "validation_error" && r.json?["message"] == "Request validation failed", "\(b)")
            #expect(r.json?["details"]?["path"] == "/jobs")
        }
        let missing = await h.client.send(.post, "/jobs", json: #"{"task":"detect-objects"}"#)
        #expect(missing.json?["details"]?["errors"]?.arrayValue?.first?["loc"] == ["body", "imageBase64"])
        let health = await h.client.send(.get, "/health")
        #expect(health.json?["jobsInMemory"] == 0 && health.json?["idempotencyKeysInMemory"] == 0)
    }

    @Test func finishedJobsArePurgedAfterTheirTTLWithTheirKeys() async throws {
        let h = try JobsHarness(["JOBS_TTL_SECONDS": "60"])
        let id = try await h.createdId(#","idempotencyKey":"ttl""#)
        #expect(try await h.waitTerminal(id) == "done")
        h.clock.advance(by: 59_000)
        #expect(await h.client.send(.get, "/health").json?["jobsInMemory"] == 1)
        h.clock.advance(by: 2_000)
        let health = await h.client.send(.get, "/health")
        #expect(health.json?["jobsInMemory"] == 0 && health.json?["idempotencyKeysInMemory"] == 0)
        #expect(await h.client.send(.get, "/jobs/\(id)").status == 404)
        #expect(try h.client.kv.count(.prefix(["jobs", "result"])) == 0)
        let again = try await h.createdId(#","idempotencyKey":"ttl""#)
        #expect(again != id, "the key is free again")
    }

    /// More finished jobs than one purge commit holds (50, `JobsLimits.purgeBatch`) go in one cleanup,
    /// each with its idempotency key, result and stored image.
    @Test func aCleanupPurgesMoreJobsThanOneCommitHolds() async throws {
        let h = try JobsHarness(["JOBS_TTL_SECONDS": "60"])
        var ids: [String] = []
        for i in 0..<57 { ids.append(try await h.createdId(#","idempotencyKey":"k\#(i)""#)) }
        for id in ids { #expect(try await h.waitTerminal(id) == "done") }
        h.clock.advance(by: 61_000)
        let health = await h.client.send(.get, "/health")
        #expect(health.json?["jobsInMemory"] == 0 && health.json?["idempotencyKeysInMemory"] == 0)
        #expect(try h.client.kv.count(.prefix(["jobs", "result"])) == 0)
        let again = try await h.createdId(#","idempotencyKey":"k3""#)
        #expect(!ids.contains(again), "the key is free again")
    }

    @Test func theOldestJobsGoPastTheCap() async throws {
        let h = try JobsHarness(["JOBS_MAX_ITEMS": "2"])
        let a = try await h.createdId(#","debugSleepMs":60000"#)
        let b = try await h.createdId(#","debugSleepMs":60000"#)
        let c = try await h.createdId(#","debugSleepMs":60000"#)
        let p = await page(h, "?limit=10")
        #expect(p.ids == [c, b])
        #expect(await h.client.send(.get, "/jobs/\(a)").status == 404)
    }
}

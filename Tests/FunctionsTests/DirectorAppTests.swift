import EdgeTesting
import Testing

/// System 000 through the router and its app declaration (CONTRACTS §1), on an in-memory KV with a
/// manual clock: CORS on every response, the credential, the error shapes, TTLs without sleeping.
@Suite struct DirectorAppTests {
    static let origin = ["origin": "https://b.example"]
    static let env = ["DIRECTOR__BACKEND_API_KEY": "k3y", "DIRECTOR__CORS_ORIGINS": "https://a.example, https://b.example"]

    func keyed(_ extra: [String: String] = [:]) -> [String: String] {
        Self.origin.merging(["x-api-key": "k3y"].merging(extra) { a, _ in a }) { a, _ in a }
    }

    @Test func corsOnEveryResponseAndPreflightBeforeTheKey() async throws {
        let c = try Deployment.client(Self.env)
        let big = Array(repeating: UInt8(ascii: "x"), count: 1_200_000)
        let answers = [
            await c.send(.options, "/api/sessions/x", headers: Self.origin),                    // 204 preflight
            await c.send(.get, "/api/sessions/x", headers: Self.origin),                        // 401
            await c.send(.get, "/api/sessions/x", headers: keyed()),                            // 404
            await c.send(.post, "/api/sessions/x", headers: keyed()),                           // 405
            await c.send(.put, "/api/sessions/x", headers: keyed(), body: big),                 // 413
            await c.send(.get, "/api/health", headers: Self.origin),                            // 200, no key
        ]
        #expect(answers.map(\.status) == [204, 401, 404, 405, 413, 200])
        for r in answers {
            #expect(r.header("access-control-allow-origin") == "https://b.example", "\(r.status)")
            #expect(r.header("access-control-allow-methods") == "GET,PUT,DELETE,OPTIONS")
            #expect(r.header("access-control-allow-headers") == "Content-Type, X-Api-Key")
            #expect(r.header("access-control-max-age") == "86400")
            #expect(r.header("vary") == "Origin")
        }
        #expect(answers[1].error == "Unauthorized" && answers[1].code == "unauthorized")
        #expect(answers[2].error == "Session not found")
        #expect(answers[3].error == "Method Not Allowed" && answers[3].header("allow") != nil)
        #expect(answers[4].code == "payload_too_large")
        let stranger = await c.send(.get, "/api/health", headers: ["origin": "https://evil.example"])
        #expect(stranger.header("access-control-allow-origin") == nil)
        #expect(await c.send(.get, "/api/sessions/x", headers: ["x-api-key": " k3y "]).status == 404, "the key is trimmed")
    }

    @Test func staleWriteAnswersTheEnvelopeWithTheStoredStateByteForByte() async throws {
        let c = try Deployment.client()
        let state = #"{"savedAt":1000,"z":[1.50,2e3,"é\u00e9"]}"#
        #expect(await c.send(.put, "/api/sessions/s1", json: #"{"state":\#(state)}"#).status == 204)
        let stale = await c.send(.put, "/api/sessions/s1", json: #"{"state":{"savedAt":999}}"#)
        #expect(stale.status == 409)
        #expect(stale.code == "stale_snapshot")
        #expect(stale.error == "Stale snapshot rejected: a newer state already exists")
        #expect(stale.json?["requestId"]?.stringValue == stale.header("x-request-id"))
        #expect(stale.json?["sessionId"] == "s1" && stale.json?["updatedAt"] == 1000)
        #expect(stale.text.hasSuffix(#","state":\#(state)}"#), "the stored state, unchanged")
    }

    @Test func sessionsExpireAfterTheirTTLWithoutSleeping() async throws {
        let clock = ManualKvClock()
        let c = try Deployment.client(["SESSION_TTL_SEC": "60"], clock: clock)
        #expect(await c.send(.put, "/api/sessions/t", json: #"{"state":{"savedAt":1}}"#).status == 204)
        clock.advance(by: 59_000)
        #expect(await c.send(.get, "/api/sessions/t").status == 200)
        // A write restarts the TTL (sliding).
        #expect(await c.send(.put, "/api/sessions/t", json: #"{"state":{"savedAt":2}}"#).status == 204)
        clock.advance(by: 59_000)
        #expect(await c.send(.get, "/api/sessions/t").status == 200)
        clock.advance(by: 1_001)
        #expect(await c.send(.get, "/api/sessions/t").status == 404)
    }

    @Test func largeStatesAreChunkedAndOldChunksGo() async throws {
        let c = try Deployment.client()
        let blob = String(repeating: "0123456789abcdef", count: 40_000)  // 640 KB
        let state = #"{"savedAt":5,"blob":"\#(blob)"}"#
        #expect(await c.send(.put, "/api/sessions/big", json: #"{"state":\#(state)}"#).status == 204)
        let chunks = try c.kv.count(.prefix(["director", "session_chunk", "big"]))
        #expect(chunks == 11)
        let got = await c.send(.get, "/api/sessions/big")
        #expect(got.text == #"{"sessionId":"big","updatedAt":5,"state":\#(state)}"#)
        #expect(await c.send(.put, "/api/sessions/big", json: #"{"state":{"savedAt":6}}"#).status == 204)
        #expect(try c.kv.count(.prefix(["director", "session_chunk", "big"])) == 0, "the old generation is deleted")
        #expect(await c.send(.delete, "/api/sessions/big").status == 204)
        #expect(await c.send(.get, "/api/sessions/big").status == 404)
    }
}

/// Hostile bodies get a clear 4xx in the app's shape, fast, and change nothing.
@Suite struct HostileBodyTests {
    @Test func deeplyNestedJSONIs400NotCPU() async throws {
        let c = try Deployment.client(["VLM__ADMIN_TOKEN": "t"])
        let deep = String(repeating: "[", count: 100_000)
        let prompt = await c.send(.post, "/v1/prompts", headers: ["x-admin-token": "t"], json: deep)
        #expect(prompt.status == 400 && prompt.code == "invalid_json" && prompt.error == "Invalid JSON")
        let session = await c.send(.put, "/api/sessions/deep", json: #"{"state":"# + deep)
        #expect(session.status == 400)
        #expect(await c.send(.get, "/api/sessions/deep").status == 404, "nothing written")
    }
}

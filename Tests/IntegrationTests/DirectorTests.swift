import EdgeTesting
import Dispatch
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// System 000 against the real binary: sessions (races, TTL, restart, bad input) and the tip menu.
@Suite(.serialized) struct DirectorTests {
    static func kvDir() -> String { "/tmp/edge-director-\(getpid())-\(UInt32.random(in: 0...UInt32.max))" }

    func put(_ port: Int, _ id: String, _ body: String, key: String? = nil) throws -> RawHTTP.Response {
        var h = ["content-type": "application/json"]
        if let key { h["x-api-key"] = key }
        return try RawHTTP.request(port: port, "PUT", "/api/sessions/\(id)", headers: h, body: Array(body.utf8))
    }

    @Test func sessionsRoundTripExactlyAndRejectStaleWrites() throws {
        let edge = try EdgeProcess(environment: ["KV_PATH": Self.kvDir()])
        let state = #"{"savedAt":1000,"z":[1.50,2e3,"é\u00e9"],"a":{"n":null}}"#
        #expect(try put(edge.port, "s1", #"{"state":\#(state)}"#).status == 204)
        let got = try RawHTTP.request(port: edge.port, "GET", "/api/sessions/s1")
        #expect(got.status == 200)
        #expect(got.text == #"{"sessionId":"s1","updatedAt":1000,"state":\#(state)}"#)
        let stale = try put(edge.port, "s1", #"{"state":{"savedAt":999}}"#)
        #expect(stale.status == 409)
        #expect(stale.text.contains(#""error":"Stale snapshot rejected: a newer state already exists""#))
        #expect(stale.text.contains(#""updatedAt":1000"#) && stale.text.contains(state))
        #expect(try put(edge.port, "s1", #"{"state":{"savedAt":1000,"v":2}}"#).status == 204, "an equal savedAt is accepted")
        #expect(try RawHTTP.request(port: edge.port, "DELETE", "/api/sessions/s1").status == 204)
        #expect(try RawHTTP.request(port: edge.port, "DELETE", "/api/sessions/s1").status == 204)
        let missing = try RawHTTP.request(port: edge.port, "GET", "/api/sessions/s1")
        #expect(missing.status == 404 && missing.text.contains(#""error":"Session not found""#))
    }

    @Test func badInputIs4xxAndWritesNothing() throws {
        let edge = try EdgeProcess(environment: ["KV_PATH": Self.kvDir()])
        for body in ["{nope", "[]", #"{"state":null}"#, #"{"state":[1]}"#, #"{"state":"x"}"#, #"{"other":{}}"#] {
            let r = try put(edge.port, "s2", body)
            #expect(r.status == 400, "\(body)")
            #expect(r.text.contains(#""error":"Body must include object in field \"state\"""#))
        }
        #expect(try put(edge.port, "bad!id", #"{"state":{}}"#).status == 400)
        #expect(try put(edge.port, String(repeating: "a", count: 65), #"{"state":{}}"#).status == 400)
        let big = #"{"state":{"blob":""# + String(repeating: "x", count: 1_100_000) + #""}}"#
        #expect(try put(edge.port, "s2", big).status == 413)
        #expect(try RawHTTP.request(port: edge.port, "GET", "/api/sessions/s2").status == 404, "nothing written")
    }

    @Test func oneMiBStateRoundTripsAndSurvivesARestart() throws {
        let dir = Self.kvDir()
        let blob = String(repeating: "0123456789abcdef", count: 60_000)  // ~960 KB
        let state = #"{"savedAt":5,"blob":"\#(blob)"}"#
        do {
            let edge = try EdgeProcess(environment: ["KV_PATH": dir])
            #expect(try put(edge.port, "big", #"{"state":\#(state)}"#).status == 204)
            #expect(edge.stop() == 0)
        }
        let edge = try EdgeProcess(environment: ["KV_PATH": dir])
        let got = try RawHTTP.request(port: edge.port, "GET", "/api/sessions/big")
        #expect(got.status == 200)
        #expect(got.text == #"{"sessionId":"big","updatedAt":5,"state":\#(state)}"#)
    }

    @Test func concurrentPutsNeverBothWinAndTheNewestIsStored() throws {
        let edge = try EdgeProcess(environment: ["KV_PATH": Self.kvDir()])
        let stamps = Array(1...32).shuffled()
        let results = Mutex<[Int: Int]>([:])
        let port = edge.port
        DispatchQueue.concurrentPerform(iterations: stamps.count) { i in
            let status = (try? RawHTTP.request(port: port, "PUT", "/api/sessions/race", headers: ["content-type": "application/json"],
                                               body: Array(#"{"state":{"savedAt":\#(stamps[i]),"i":\#(i)}}"#.utf8)).status) ?? -1
            results.withLock { $0[stamps[i]] = status }
        }
        let r = results.withLock { $0 }
        #expect(r.values.allSatisfy { $0 == 204 || $0 == 409 }, "\(r)")
        #expect(r[32] == 204, "the newest savedAt can never be rejected")
        let got = try RawHTTP.request(port: port, "GET", "/api/sessions/race")
        #expect(got.text.contains(#""updatedAt":32"#))
        // Every 204 was, at its commit, not older than what was stored: so the 204s in commit order have
        // increasing savedAt, and the final one is 32.
    }

    @Test func apiKeyAndCORS() throws {
        let edge = try EdgeProcess(environment: ["KV_PATH": Self.kvDir(), "BACKEND_API_KEY": "k3y", "CORS_ORIGINS": "https://a.example, https://b.example"])
        #expect(try RawHTTP.request(port: edge.port, "GET", "/api/health").status == 200, "health needs no key")
        let denied = try RawHTTP.request(port: edge.port, "GET", "/api/sessions/x")
        #expect(denied.status == 401 && denied.text.contains(#""error":"Unauthorized""#))
        #expect(try RawHTTP.request(port: edge.port, "GET", "/api/sessions/x", headers: ["x-api-key": " k3y "]).status == 404)
        let pre = try RawHTTP.request(port: edge.port, "OPTIONS", "/api/sessions/x", headers: ["origin": "https://b.example"])
        #expect(pre.status == 204, "preflight before auth")
        #expect(pre.header("access-control-allow-origin") == "https://b.example")
        #expect(pre.header("vary") == "Origin")
        let other = try RawHTTP.request(port: edge.port, "OPTIONS", "/api/sessions/x", headers: ["origin": "https://evil.example"])
        #expect(other.header("access-control-allow-origin") == nil)
    }

    @Test func tipMenuFromATrustedOriginAndTheSSRFGuard() async throws {
        let menu = #"{"cam":{"tipMenu":{"settings":[{"activity":" Dance ","price":"25.9"},{"title":"","price":5},{"name":"Free","price":0}]}}}"#
        let upstream = try await FakeUpstream.start { _, _ in .text(menu, headers: [.contentType: "application/json"]) }
        let edge = try EdgeProcess(environment: ["TIP_MENU_ORIGINS": upstream.url()])
        try await RawHTTP.onOwnThread {
            let r = try RawHTTP.request(port: edge.port, "GET", "/api/tip-menu?username=model_1")
            #expect(r.status == 200)
            #expect(r.text.contains(#""source":"\#(upstream.url())""#))
            #expect(r.text.contains(#""settings":[{"activity":"Dance","price":25}]"#))
        }
        #expect(upstream.requests.map(\.path).contains("/api/front/v2/models/username/model_1/cam"))
        // `host` pointing elsewhere is never fetched.
        let before = upstream.requests.count
        try await RawHTTP.onOwnThread {
            _ = try RawHTTP.request(port: edge.port, "GET", "/api/tip-menu?username=model_1&host=http://127.0.0.1:1")
        }
        #expect(upstream.requests.count == before + 1, "only the trusted origin was asked")
        #expect(try RawHTTP.request(port: edge.port, "GET", "/api/tip-menu?username=x").status == 400)
    }
}

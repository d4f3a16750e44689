import EdgeTesting
import Testing
@testable import Functions

/// The chat app's cross-request behaviour (CONTRACTS §2.2, §2.6, §2.7): sessions and their cookie,
/// CORS with credentials, the per-IP sliding-window limiter in KV, `/healthz`, provider settings.
@Suite struct ChatAppTests {
    @Test func sessionCookieIsSetOnlyWhenMissing() async throws {
        let fake = try await ChatFakeProvider()
        let c = try ChatDeployment.client(fake)
        let fresh = await c.send(.post, "/v1/conversations")
        #expect(fresh.status == 501)
        let cookie = try #require(fresh.header("set-cookie"))
        let id = try #require(cookie.split(separator: ";").first?.split(separator: "=").last.map(String.init))
        #expect(cookie == "cf_session_id=\(id); Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000")
        #expect(id.count == 36 && id.split(separator: "-").count == 5)
        #expect(fresh.logField("sessionId") == id)
        let again = await c.send(.post, "/v1/conversations", headers: ["cookie": "cf_session_id=\(id)"])
        #expect(again.header("set-cookie") == nil)
        #expect(again.logField("sessionId") == id)
        let header = await c.send(.post, "/v1/conversations", headers: ["x-session-id": "s-42", "x-forwarded-proto": "https"])
        #expect(header.logField("sessionId") == "s-42")
        #expect(header.header("set-cookie") == "cf_session_id=s-42; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000; Secure")
        let chat = await c.send(.post, "/v1/chat/completions", json: ChatProxyTests.hello)
        #expect(chat.status == 200 && chat.header("set-cookie")?.hasPrefix("cf_session_id=") == true, "every 001 response")
    }

    /// New session ids are RFC 9562 version 4 UUIDs in lower case, and they differ.
    @Test func newSessionIdsAreVersion4UUIDs() {
        let ids = (0..<500).map { _ in ChatSession.newUUID() }
        #expect(Set(ids).count == 500)
        let hex = Set("0123456789abcdef".utf8)
        for id in ids {
            let parts = id.split(separator: "-", omittingEmptySubsequences: false).map { Array($0.utf8) }
            #expect(parts.map(\.count) == [8, 4, 4, 4, 12], "\(id)")
            #expect(parts.allSatisfy { $0.allSatisfy(hex.contains) }, "\(id)")
            #expect(parts.count == 5 && parts[2].first == UInt8(ascii: "4"), "version nibble: \(id)")
            #expect(parts.count == 5 && Set("89ab".utf8).contains(parts[3].first ?? 0), "variant bits: \(id)")
        }
        // Every nibble position takes several values (no stuck bits from the shifts).
        for position in [0, 7, 9, 15, 20, 35] {
            let seen = Set(ids.compactMap { Array($0.utf8).dropFirst(position).first })
            #expect(seen.count > 4, "position \(position): \(seen)")
        }
    }

    @Test func corsAllowsTheOneOriginWithCredentials() async throws {
        let c = try ChatDeployment.client(nil, ["ALLOWED_ORIGIN": "https://app.example"])
        let pre = await c.send(.options, "/v1/chat/completions", headers: ["origin": "https://app.example"])
        #expect(pre.status == 204)
        let get = await c.send(.get, "/v1/conversations", headers: ["origin": "https://app.example"])
        for r in [pre, get] {
            #expect(r.header("access-control-allow-origin") == "https://app.example")
            #expect(r.header("access-control-allow-credentials") == "true")
            #expect(r.header("access-control-allow-methods") == "GET,POST,PUT,DELETE,OPTIONS")
            #expect(r.header("access-control-allow-headers") == "Content-Type, Accept, Authorization, x-session-id")
        }
        let other = await c.send(.get, "/v1/conversations", headers: ["origin": "https://evil.example"])
        #expect(other.header("access-control-allow-origin") == nil)
        let dflt = try ChatDeployment.client(nil)
        #expect(await dflt.send(.get, "/v1/conversations", headers: ["origin": "http://localhost:3000"])
            .header("access-control-allow-origin") == "http://localhost:3000")
    }

    @Test func limiterCountsPerIPInASlidingWindow() async throws {
        let clock = ManualKvClock()
        let c = try ChatDeployment.client(nil, ["RATE_LIMIT_MAX": "3", "RATE_LIMIT_WINDOW_SEC": "60"], clock: clock)
        var remaining: [String?] = []
        for _ in 0..<3 {
            let r = await c.send(.get, "/v1/conversations", clientAddress: "10.0.0.1")
            #expect(r.status == 501)
            #expect(r.header("x-ratelimit-limit") == "3")
            remaining.append(r.header("x-ratelimit-remaining"))
            clock.advance(by: 10_000)
        }
        #expect(remaining == ["2", "1", "0"])
        let over = await c.send(.post, "/v1/chat/completions", json: "{}", clientAddress: "10.0.0.1")
        #expect(over.status == 429)
        #expect(over.error == "rate_limit_exceeded" && over.json?["remaining"] == 0)
        #expect(over.header("retry-after") == "60")
        #expect(await c.send(.get, "/v1/conversations", clientAddress: "10.0.0.2").status == 501, "another IP")
        clock.advance(by: 31_000)  // the first hit (t=0) left the window at t=60 s
        #expect(await c.send(.get, "/v1/conversations", clientAddress: "10.0.0.1").status == 501)
        #expect(await c.send(.get, "/v1/conversations", clientAddress: "10.0.0.1").status == 429, "the t=10 s hit is still inside")
    }

    /// A client address of any length keys the limiter (the engine only takes an `x-forwarded-for` hop
    /// that is an IP address, but `Request.clientAddress` is any text to an app): one past the KV key
    /// limit made every chat route 400 `invalid_kv_request` ("Key too large for read").
    @Test func limiterKeysOnLongForwardedAddresses() async throws {
        let c = try ChatDeployment.client(nil, ["RATE_LIMIT_MAX": "2"])
        let long = String(repeating: "a", count: 5000), sameStart = String(repeating: "a", count: 4000) + "b"
        for address in [long, String(repeating: "é", count: 3000)] {
            let r = await c.send(.get, "/v1/conversations", clientAddress: address)
            #expect(r.status == 501 && r.header("x-ratelimit-remaining") == "1", "\(r.status) \(r.text)")
        }
        #expect(await c.send(.get, "/v1/conversations", clientAddress: sameStart).status == 501)
        #expect(await c.send(.get, "/v1/conversations", clientAddress: long).status == 429, "the limit still holds for such addresses")
        #expect(await c.send(.get, "/v1/conversations", clientAddress: "").status == 501)
    }

    @Test func limiterIsExactUnder64ConcurrentClients() async throws {
        let c = try ChatDeployment.client(nil, ["RATE_LIMIT_MAX": "10"])
        let statuses = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<64 { group.addTask { await c.send(.get, "/v1/conversations", clientAddress: "10.9.9.9").status } }
            var out: [Int] = []
            for await s in group { out.append(s) }
            return out
        }
        #expect(statuses.filter { $0 == 501 }.count == 10)
        #expect(statuses.filter { $0 == 429 }.count == 54)
    }

    /// Concurrent requests of one address are decided in groups (Decision 0025): every one is counted once
    /// and gets the `remaining` it would get one after another, yet the window log takes fewer commits
    /// than requests (one-at-a-time admission needs one commit each: the store's versionstamp counter
    /// would read 64).
    @Test func limiterDecidesConcurrentRequestsInGroups() async throws {
        let c = try ChatDeployment.client(nil, ["RATE_LIMIT_MAX": "100"])
        let remaining = await withTaskGroup(of: String?.self) { group in
            for _ in 0..<64 { group.addTask { await c.send(.get, "/v1/conversations", clientAddress: "10.7.7.7").header("x-ratelimit-remaining") } }
            var out: [String?] = []
            for await r in group { out.append(r) }
            return out
        }
        #expect(remaining.compactMap { $0.flatMap { Int($0) } }.sorted() == Array(36...99))
        let log = try await c.kv.get(["chat", "rate", "10.7.7.7"])
        guard case .array(let times)? = log.value else { Issue.record("no window log: \(String(describing: log.value))"); return }
        #expect(times.count == 64)
        let commits = try #require(log.versionstamp).counter
        #expect(commits < 64, "\(commits) commits for 64 admissions")
        #expect(await c.send(.get, "/v1/conversations", clientAddress: "10.7.7.7").header("x-ratelimit-remaining") == "35")
    }

    @Test func healthzCarriesTheChatKeys() async throws {
        let c = try ChatDeployment.client(nil, ["DEFAULT_MODEL": "m-1", "PERSIST_TRANSCRIPTS": "true", "RETENTION_DAYS": "7"])
        let r = await c.send(.get, "/healthz")
        #expect(r.status == 200)
        #expect(r.json?["status"] == "ok" && r.json?["provider"] == "openai-compatible" && r.json?["model"] == "m-1")
        #expect(r.json?["persistence"] == ["enabled": true, "retentionDays": 7])
    }

    @Test func providerSettings() {
        #expect(ChatConfig.normalizedBase("https://api.openai.com/v1") == "https://api.openai.com")
        #expect(ChatConfig.normalizedBase("http://localhost:8080/proxy/v1/") == "http://localhost:8080/proxy")
        #expect(ChatConfig.normalizedBase("http://h/v1beta") == "http://h/v1beta")
        let fallback = ChatConfig(Environment(["OPENAI_BASE_URL": "http://o/v1", "OPENAI_API_KEY": "k"]))
        #expect(fallback.completionsURL == "http://o/v1/chat/completions" && fallback.apiKey == "k")
        let first = ChatConfig(Environment(["OPENAI_BASE_URL": "http://o", "PROVIDER_BASE_URL": "http://p", "PROVIDER_API_KEY": "pk", "OPENAI_API_KEY": "k"]))
        #expect(first.completionsURL == "http://p/v1/chat/completions" && first.apiKey == "pk")
        #expect(ChatConfig(Environment([:])).completionsURL == "https://api.openai.com/v1/chat/completions")
        for bad in ["{", "[1]", #"{"a":{"b":1}}"#, #"{"bad name":"x"}"#, #"{"a":"x\r\ny: z"}"#] {
            let (headers, warning) = ChatConfig.parseHeaders(bad)
            #expect(headers.isEmpty && warning != nil, "\(bad)")
        }
        let (ok, none) = ChatConfig.parseHeaders(#"{"X-A":"1","X-B":2,"X-C":true}"#)
        #expect(none == nil && ok.map(\.value) == ["1", "2", "true"])
    }

    @Test func sseTextCollectsDeltasAcrossChunkBoundaries() {
        let stream = Array(ChatFakeProvider.sse(count: 3, usage: true).utf8)
        for size in [1, 7, 64, stream.count] {
            var t = ChatSSEText()
            var i = 0
            while i < stream.count { t.feed(Array(stream[i..<min(i + size, stream.count)])); i += size }
            #expect(t.content == "t0 t1 t2 " && t.finishReason == "stop" && t.sawDone, "chunks of \(size)")
        }
        var big = ChatSSEText()
        let piece = Array(ChatFakeProvider.chunk(String(repeating: "é", count: 1000)).utf8)
        for _ in 0..<200 { big.feed(piece) }
        #expect(big.content.utf8.count <= ChatLimits.maxStoredContentBytes + 2000, "the collected text stays bounded")
        let draft = ChatMessageDraft(role: "assistant", status: "final", content: big.content, finishReason: nil).stored(id: "i", seq: 1, now: 0)
        #expect(draft.truncated && draft.content.utf8.count <= ChatLimits.maxStoredContentBytes && draft.content.allSatisfy { $0 == "é" })
        #expect(ChatTitle.fallback("  one two\tthree four five six seven ") == "one two three four five six")
        #expect(ChatTitle.fallback("") == "New conversation")
        #expect(ChatTitle.clean(" \"A Title.\"\nmore") == "A Title")
    }
}

import EdgeTesting
import Foundation
import Testing
@testable import Functions

/// `POST /v1/chat/completions` through the router and the chat app, against ``ChatFakeProvider`` over
/// real loopback sockets (CONTRACTS §2.3): request shaping, passthrough, upstream failures, streams.
@Suite struct ChatProxyTests {
    static let hello = #"{"messages":[{"role":"user","content":"Hello, how are you today my friend?"}]}"#

    @Test func jsonPassthroughShapesTheRequestAndReturnsTheBytesUnchanged() async throws {
        let fake = try await ChatFakeProvider()
        let c = try ChatDeployment.client(fake, ["PROVIDER_HEADERS_JSON": #"{"X-Extra":"yes","OpenAI-Organization":"org-1"}"#])
        let body = #"{"messages":[{"role":"user","content":"hi"}],"temperature":0.5,"conversation_id":"abc","streamingEnabled":true,"toolsEnabled":false,"researchMode":false,"qualityLevel":"high","reasoning_effort":"bogus","verbosity":"high","tools":[{"type":"function"}]}"#
        let r = await c.send(.post, "/v1/chat/completions", headers: ["x-conversation-id": "zzz"], json: body)
        #expect(r.status == 200, "\(r.text)")
        #expect(r.text == ChatFakeProvider.jsonBody, "upstream JSON byte for byte")
        let sent = try #require(fake.upstream.requests.first)
        #expect(fake.upstream.requests.count == 1)
        #expect(sent.path == "/json/v1/chat/completions", "a trailing /v1 is stripped, then /v1/chat/completions appended")
        #expect(sent.headers[HTTPField.Name("authorization")!] == "Bearer sk-test")
        #expect(sent.headers[HTTPField.Name("x-extra")!] == "yes")
        #expect(sent.headers[HTTPField.Name("openai-organization")!] == "org-1")
        #expect(sent.headers[.contentType] == "application/json")
        let json = try #require(try? JSONValue.parse(sent.body).objectValue)
        #expect(json["model"] == "gpt-4.1-mini", "DEFAULT_MODEL")
        #expect(json["temperature"] == 0.5)
        #expect(json["tools"] != nil, "tools forwarded as-is")
        for dropped in ["conversation_id", "streamingEnabled", "toolsEnabled", "researchMode", "qualityLevel", "reasoning_effort", "verbosity"] {
            #expect(json[dropped] == nil, "\(dropped)")
        }
        #expect(r.header("x-request-id") != nil)
    }

    @Test func gpt5FieldsAreValidated() async throws {
        let fake = try await ChatFakeProvider()
        let c = try ChatDeployment.client(fake)
        let bad = await c.send(.post, "/v1/chat/completions", json: #"{"model":"gpt-5-mini","messages":[],"reasoning_effort":"extreme"}"#)
        #expect(bad.status == 400)
        #expect(bad.error == "invalid_request_error")
        #expect(bad.json?["message"]?.stringValue?.hasPrefix("Invalid reasoning_effort. Must be one of") == true)
        let badV = await c.send(.post, "/v1/chat/completions", json: #"{"model":"gpt-5","messages":[],"verbosity":"loud"}"#)
        #expect(badV.status == 400 && badV.error == "invalid_request_error")
        #expect(fake.upstream.requests.isEmpty, "nothing forwarded")
        let ok = await c.send(.post, "/v1/chat/completions", json: #"{"model":"gpt-5","messages":[],"reasoning_effort":"minimal","verbosity":"low"}"#)
        #expect(ok.status == 200)
        let last = try #require(fake.upstream.requests.last)
        let sent = try #require(try? JSONValue.parse(last.body))
        #expect(sent["reasoning_effort"] == "minimal" && sent["verbosity"] == "low")
    }

    @Test func garbageGetsA4xxAndReachesNoProvider() async throws {
        let fake = try await ChatFakeProvider()
        let c = try ChatDeployment.client(fake)
        let cases: [(String, Int, String)] = [
            ("{not json", 400, "invalid_json"),
            ("", 400, "invalid_json"),
            ("[1,2]", 400, "invalid_request_error"),
            (#"{"messages":"hi"}"#, 400, "invalid_request_error"),
            (#"{"model":5,"messages":[]}"#, 400, "invalid_request_error"),
            (#"{"messages":[],"stream":"yes"}"#, 400, "invalid_request_error"),
            (#"{"messages":[],"conversation_id":7}"#, 400, "invalid_request_error"),
            (String(repeating: "[", count: 100_000), 400, "invalid_json"),
        ]
        for (body, status, error) in cases {
            let r = await c.send(.post, "/v1/chat/completions", json: body)
            #expect(r.status == status, "\(body.prefix(40))")
            #expect(r.error == error, "\(body.prefix(40)): \(r.text)")
            #expect(r.json?["message"]?.stringValue?.isEmpty == false)
        }
        let big = await c.send(.post, "/v1/chat/completions", body: Array(repeating: UInt8(ascii: " "), count: 2 << 20))
        #expect(big.status == 413 && big.error == "payload_too_large")
        #expect(await c.send(.get, "/v1/chat/completions").status == 405)
        #expect(fake.upstream.requests.isEmpty)
    }

    @Test func upstreamErrorsKeepTheirStatusAndBody() async throws {
        let fake = try await ChatFakeProvider()
        for code in [400, 401, 429, 500, 503] {
            let c = try ChatDeployment.client(fake, mode: "status-\(code)")
            for stream in [false, true] {
                let r = await c.send(.post, "/v1/chat/completions", json: #"{"messages":[],"stream":\#(stream)}"#)
                #expect(r.status == code)
                #expect(r.json?["error"]?["message"] == "upstream says no", "the provider's error object, verbatim")
                #expect(r.header("content-type")?.hasPrefix("application/json") == true, "JSON, never SSE")
            }
        }
        let text = try ChatDeployment.client(fake, mode: "text-500")
        let t = await text.send(.post, "/v1/chat/completions", json: Self.hello)
        #expect(t.status == 500 && t.error == "upstream_error" && t.json?["message"] == "upstream exploded")
    }

    /// The proxy only ever calls the configured provider: a provider's redirect (which could name any host,
    /// and which as a 3xx "success" would have reached the client as a 200) is refused with 502, not followed.
    @Test func providerRedirectsAreRefusedNotFollowed() async throws {
        let fake = try await ChatFakeProvider()
        let c = try ChatDeployment.client(fake, mode: "redirect")
        for stream in [false, true] {
            let r = await c.send(.post, "/v1/chat/completions", json: #"{"messages":[],"stream":\#(stream)}"#)
            #expect(r.status == 502 && r.error == "upstream_error", "\(r.status) \(r.text)")
        }
        #expect(fake.chatRequests.count == 2, "one call each, none to the redirect's target")
        #expect(fake.chatRequests.allSatisfy { $0.path.hasPrefix("/redirect/") })
    }

    /// A model name is stored with the conversation (one KV value of at most 64 KiB): a 70 KB one was a
    /// 413 `value_too_large` ("TypeError: Value too large") for a body well under the 1 MiB limit.
    @Test func oversizedModelIs400() async throws {
        let fake = try await ChatFakeProvider()
        for env in [[:], ["PERSIST_TRANSCRIPTS": "true"]] {
            let c = try ChatDeployment.client(fake, env)
            let body = #"{"model":"\#(String(repeating: "m", count: 70_000))","messages":[{"role":"user","content":"hi"}]}"#
            let r = await c.send(.post, "/v1/chat/completions", json: body)
            #expect(r.status == 400 && r.error == "invalid_request_error" && r.json?["message"] == "model is too long", "\(r.text)")
            let ok = await c.send(.post, "/v1/chat/completions", json: #"{"model":"\#(String(repeating: "m", count: 1024))","messages":[]}"#)
            #expect(ok.status == 200)
        }
        #expect(fake.chatRequests.count == 2, "only the two acceptable models reached the provider")
    }

    @Test func unreachableIs502AndSlowFirstByteIs504() async throws {
        let down = try ChatDeployment.client(nil, ["PROVIDER_BASE_URL": "http://127.0.0.1:1/v1"])
        let r = await down.send(.post, "/v1/chat/completions", json: Self.hello)
        #expect(r.status == 502 && r.error == "upstream_error")
        let fake = try await ChatFakeProvider()
        let slow = try ChatDeployment.client(fake, mode: "slow-2500", ["UPSTREAM_FIRST_BYTE_TIMEOUT_SEC": "1"])
        let s = await slow.send(.post, "/v1/chat/completions", json: Self.hello)
        #expect(s.status == 504 && s.error == "upstream_timeout")
    }

    @Test func streamsPassThroughByteForByteWithDoneAndUsage() async throws {
        let fake = try await ChatFakeProvider()
        let c = try ChatDeployment.client(fake, mode: "sse-6-5-usage")
        let r = await c.send(.post, "/v1/chat/completions",
                             json: #"{"messages":[{"role":"user","content":"x"}],"stream":true,"stream_options":{"include_usage":true}}"#)
        #expect(r.status == 200)
        #expect(r.header("content-type") == "text/event-stream")
        #expect(r.header("cache-control") == "no-cache")
        #expect(r.text == ChatFakeProvider.sse(count: 6, usage: true))
        #expect(r.text.hasSuffix("data: [DONE]\n\n") && !r.text.contains("_conversation"))
        let first = try #require(fake.upstream.requests.first)
        let sent = try #require(try? JSONValue.parse(first.body))
        #expect(sent["stream_options"] == ["include_usage": true])
    }

    @Test func streamChunksArriveAsTheyAreSent() async throws {
        let fake = try await ChatFakeProvider()
        let c = try ChatDeployment.client(fake, mode: "sse-3-300")
        let opened = await c.open(.post, "/v1/chat/completions", body: Array(#"{"messages":[],"stream":true}"#.utf8))
        #expect(opened.status == 200)
        var it = opened.body.makeAsyncIterator()
        let started = ContinuousClock.now
        let first = try await it.next()
        #expect(first.map { String(decoding: $0, as: UTF8.self) } == ChatFakeProvider.chunk("t0 "))
        #expect(ContinuousClock.now - started < .milliseconds(250), "the first chunk is not held back for the rest")
    }

    @Test func midStreamFailureEndsWithoutDone() async throws {
        let fake = try await ChatFakeProvider()
        let c = try ChatDeployment.client(fake, mode: "sse-3-0-drop")
        let r = await c.send(.post, "/v1/chat/completions", json: #"{"messages":[],"stream":true}"#)
        #expect(r.status == 200)
        #expect(r.text.hasPrefix(ChatFakeProvider.chunk("t0 ")))
        #expect(!r.text.contains("[DONE]"))
    }

    @Test func aClientThatLeavesAbortsTheUpstream() async throws {
        let fake = try await ChatFakeProvider()
        let c = try ChatDeployment.client(fake, mode: "hold")
        do {
            let opened = await c.open(.post, "/v1/chat/completions", body: Array(#"{"messages":[],"stream":true}"#.utf8))
            var it = opened.body.makeAsyncIterator()
            _ = try await it.next()
            #expect(fake.hold.started)
        }
        let deadline = ContinuousClock.now + .seconds(5)
        while !fake.hold.aborted && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(fake.hold.aborted, "the provider saw its connection closed")
    }
}

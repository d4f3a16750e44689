import EdgeRuntime
import EdgeTesting
import Synchronization
import Foundation
import KV
import Testing
@testable import Functions

@Suite struct VLMVisionTests {
    static let body = #"{"provider":"bigmodel","prompt":"Что на фото?","image_url":"https://example.com/cat.png"}"#

    func harness(_ fake: VLMFakeProvider, _ mode: String, _ extra: [String: String] = [:]) throws -> VLMHarness {
        var env = ["BIGMODEL_API_KEY": "bm-key", "OPENROUTER_API_KEY": "or-key",
                   "BIGMODEL_BASE_URL": fake.base(mode), "OPENROUTER_BASE_URL": fake.base(mode) + "/"]
        for (k, v) in extra { env[k] = v }
        return try VLMHarness(env)
    }

    func analyze(_ h: VLMHarness, _ json: String, query: String? = nil) async throws -> VLMTestResponse {
        try await h.call(VLMVisionAnalyze.self, .post, "/v1/vision/analyze", query: query, json: json)
    }

    @Test func analyzeBigModelJSONPassthrough() async throws {
        let fake = try await VLMFakeProvider()
        let h = try harness(fake, "json")
        let r = try await analyze(h, #"{"provider":"bigmodel","prompt":"Что на фото?","image_url":"https://example.com/cat.png","detail":"high","thinking":"enabled"}"#)
        #expect(r.status == 200, "\(r.text)")
        #expect(r.header("content-type")?.hasPrefix("application/json") == true)
        #expect(r.header("access-control-allow-origin") == "*")
        #expect(r.header("x-ratelimit-limit") == "100000")
        let echo = try #require(r.json?["echo"])
        #expect(r.json?["choices"]?.arrayValue?.first?["message"]?["content"] == "ok")
        #expect(echo["path"] == "/json/chat/completions")
        #expect(echo["authorization"] == "Bearer bm-key")
        let body = try #require(echo["body"])
        #expect(body["model"] == "glm-4.5v")
        #expect(body["stream"] == false)
        #expect(body["thinking"] == ["type": "enabled"])
        let content = try #require(body["messages"]?.arrayValue?.first?["content"]?.arrayValue)
        #expect(body["messages"]?.arrayValue?.first?["role"] == "user")
        #expect(content[0] == ["type": "text", "text": "Что на фото?"])
        #expect(content[1] == ["type": "image_url", "image_url": ["url": "https://example.com/cat.png", "detail": "high"]])
    }

    @Test func analyzeOpenRouterHeadersAndModel() async throws {
        let fake = try await VLMFakeProvider()
        let h = try harness(fake, "json", ["APP_URL": "https://vlm-proxy.test", "DEFAULT_MODEL": ""])
        let r = try await analyze(h, #"{"prompt":"p","images":["https://a.test/1.png","data:image/png;base64,AAAA"],"thinking":"enabled"}"#, query: "provider=openrouter")
        #expect(r.status == 200, "\(r.text)")
        let echo = try #require(r.json?["echo"])
        #expect(echo["authorization"] == "Bearer or-key")
        #expect(echo["referer"] == "https://vlm-proxy.test")
        #expect(echo["title"] != .null)
        #expect(echo["body"]?["model"] == "qwen/qwen2.5-vl-72b-instruct")
        #expect(echo["body"]?["thinking"] == nil, "thinking is BigModel only")
        #expect(echo["body"]?["messages"]?.arrayValue?.first?["content"]?.arrayValue?.count == 3)
        // DEFAULT_MODEL and an explicit model.
        let h2 = try harness(fake, "json", ["DEFAULT_MODEL": "glm-custom"])
        #expect(try await analyze(h2, Self.body).json?["echo"]?["body"]?["model"] == "glm-custom")
        #expect(try await analyze(h2, #"{"prompt":"p","image_base64":"iVBORw0KGgo=","model":"m1"}"#).json?["echo"]?["body"]?["model"] == "m1")
        let b64 = try await analyze(h2, #"{"prompt":"p","image_base64":"iVBORw0KGgo="}"#)
        #expect(b64.json?["echo"]?["body"]?["messages"]?.arrayValue?.first?["content"]?.arrayValue?.last?["image_url"]?["url"] == "data:image/png;base64,iVBORw0KGgo=")
    }

    @Test func analyzeMultipartWithFile() async throws {
        let fake = try await VLMFakeProvider()
        let h = try harness(fake, "json")
        let boundary = "XyZboundary42"
        var body = ""
        func field(_ name: String, _ value: String) { body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n" }
        field("provider", "bigmodel")
        field("prompt", "Опиши")
        field("images", #"["https://a.test/x.png"]"#)
        field("stream", "false")
        var bytes = Array(body.utf8)
        bytes += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n".utf8)
        bytes += [0xFF, 0xD8, 0xFF, 0x00, 0x01]
        bytes += Array("\r\n--\(boundary)--\r\n".utf8)
        let r = try await h.call(VLMVisionAnalyze.self, .post, "/v1/vision/analyze",
                                 headers: ["content-type": "multipart/form-data; boundary=\(boundary)"], body: bytes)
        #expect(r.status == 200, "\(r.text)")
        let content = try #require(r.json?["echo"]?["body"]?["messages"]?.arrayValue?.first?["content"]?.arrayValue)
        #expect(content[0]["text"] == "Опиши")
        #expect(content.contains { $0["image_url"]?["url"] == "https://a.test/x.png" })
        #expect(content.contains { $0["image_url"]?["url"] == "data:image/jpeg;base64,/9j/AAE=" })
        #expect(r.json?["echo"]?["body"]?["stream"] == false)
    }

    @Test func badInputRows() async throws {
        let fake = try await VLMFakeProvider()
        let h = try harness(fake, "json")
        let rows: [(String, Int, String)] = [
            (#"{"prompt":"p","image_url":"https://a"#, 400, "Invalid JSON"),
            (#"{"prompt":"p"}"#, 400, "Image required"),
            (#"{"prompt":"p","images":"https://a.test/x.png"}"#, 400, "Invalid field: images"),
            (#"{"prompt":"p","images":[1]}"#, 400, "Invalid field: images"),
            (#"{"prompt":5,"image_url":"https://a.test/x.png"}"#, 400, "Invalid field: prompt"),
            (#"{"prompt":"p","image_url":"ftp://a.test/x.png"}"#, 400, "Invalid field: image_url"),
            (#"{"prompt":"p","image_url":"https://a.test/x.png","provider":"openai"}"#, 400, "Unknown provider"),
            (#"{"prompt":"p","image_url":"https://a.test/x.png","detail":"max"}"#, 400, "Invalid field: detail"),
            (#"{"prompt":"p","image_url":"https://a.test/x.png","thinking":"maybe"}"#, 400, "Invalid field: thinking"),
            (#"{"image_url":"https://a.test/x.png"}"#, 400, "prompt required"),
        ]
        for (body, status, error) in rows {
            let r = try await analyze(h, body)
            #expect(r.status == status, "\(body) -> \(r.text)")
            #expect(r.error == error, "\(body) -> \(r.text)")
            #expect(r.header("access-control-allow-origin") == "*")
        }
        let missingKey = try VLMHarness(["BIGMODEL_BASE_URL": fake.base("json")])
        let r = try await analyze(missingKey, Self.body)
        #expect(r.status == 503)
        #expect(r.code == "provider_not_configured")
        let big = [UInt8](repeating: 0x20, count: 10 * 1024 * 1024 + 1)
        let tooBig = try await h.call(VLMVisionAnalyze.self, .post, "/v1/vision/analyze", body: big)
        #expect(tooBig.status == 413)
    }

    @Test func promptFromLibrary() async throws {
        let fake = try await VLMFakeProvider()
        let h = try harness(fake, "json")
        let id = try await h.create(name: "vision", lang: "ru", text: "Библиотечный промпт")
        _ = try await h.setDefault(id)
        let other = try await h.create(name: "by-id", text: "by id text")
        func sentPrompt(_ json: String) async throws -> JSONValue? {
            try await analyze(h, json).json?["echo"]?["body"]?["messages"]?.arrayValue?.first?["content"]?.arrayValue?.first?["text"]
        }
        #expect(try await sentPrompt(#"{"image_url":"https://a.test/x.png","lang":"ru"}"#) == "Библиотечный промпт")
        #expect(try await sentPrompt(#"{"image_url":"https://a.test/x.png","prompt_id":\#(other)}"#) == "by id text")
        #expect(try await analyze(h, #"{"image_url":"https://a.test/x.png","lang":"de"}"#).error == "prompt required")
    }

    @Test func upstreamErrors() async throws {
        let fake = try await VLMFakeProvider()
        let text = try await analyze(try harness(fake, "text"), Self.body)
        #expect(text.status == 200)
        #expect(text.error == "bad upstream json")
        let limited = try await analyze(try harness(fake, "status-429"), Self.body)
        #expect(limited.status == 429)
        #expect(limited.json?["error"]?["message"] == "upstream says no", "upstream JSON passed through")
        let down = try VLMHarness(["BIGMODEL_API_KEY": "k", "BIGMODEL_BASE_URL": "http://127.0.0.1:1/v4"])
        let unreachable = try await analyze(down, Self.body)
        #expect(unreachable.status == 502)
        #expect(unreachable.code == "upstream_error")
        let slow = try await analyze(try harness(fake, "slow-2500", ["VISION_FIRST_BYTE_TIMEOUT_SEC": "1"]), Self.body)
        #expect(slow.status == 504)
        #expect(slow.code == "upstream_timeout")
        // On the stream route an upstream error is that status with JSON, not a 200 stream.
        let streamErr = try await h(fake, "status-500").call(VLMVisionStream.self, .post, "/v1/vision/stream", json: Self.body)
        #expect(streamErr.status == 500)
        #expect(streamErr.header("content-type")?.hasPrefix("application/json") == true)
    }

    func h(_ fake: VLMFakeProvider, _ mode: String) throws -> VLMHarness { try harness(fake, mode) }

    @Test func streamPassthrough() async throws {
        let fake = try await VLMFakeProvider()
        let h = try harness(fake, "sse-5-20")
        let r = try await h.call(VLMVisionStream.self, .post, "/v1/vision/stream", json: Self.body)
        #expect(r.status == 200)
        #expect(r.header("content-type") == "text/event-stream")
        #expect(r.header("cache-control") == "no-cache")
        #expect(r.header("access-control-allow-origin") == "*")
        #expect(r.header("x-ratelimit-remaining") != nil)
        let expected = (0..<5).map { #"data: {"choices":[{"delta":{"content":"t\#($0)"}}]}"# + "\n\n" }.joined() + "data: [DONE]\n\n"
        #expect(r.text == expected, "bytes unchanged and in order")
        // analyze with stream:true and ?stream=1 answer the same way.
        let a = try await h.call(VLMVisionAnalyze.self, .post, "/v1/vision/analyze", json: #"{"prompt":"p","image_url":"https://a.test/x.png","stream":true}"#)
        #expect(a.text == expected)
        let q = try await h.call(VLMVisionAnalyze.self, .post, "/v1/vision/analyze", query: "stream=1", json: Self.body)
        #expect(q.header("content-type") == "text/event-stream")
    }

    @Test func streamSendsUpstreamStreamTrue() async throws {
        let fake = try await VLMFakeProvider()
        let h = try harness(fake, "json")
        let r = try await h.call(VLMVisionStream.self, .post, "/v1/vision/stream", json: Self.body)
        // The json mode answers a JSON body even to a stream request; it is passed through as bytes.
        #expect(r.text.contains(#""stream":true"#))
        #expect(r.text.contains(#""accept":"text/event-stream""#))
    }

    @Test func keepAliveWhileUpstreamIsSilent() async throws {
        let fake = try await VLMFakeProvider()
        let h = try harness(fake, "silent-900", ["SSE_KEEPALIVE_MS": "150"])
        let r = try await h.call(VLMVisionStream.self, .post, "/v1/vision/stream", json: Self.body)
        #expect(r.status == 200)
        let parts = r.text.components(separatedBy: ": keep-alive\n\n")
        #expect(parts.count >= 2, "at least one keep-alive while silent: \(r.text)")
        #expect(r.text.replacingOccurrences(of: ": keep-alive\n\n", with: "") ==
            #"data: {"choices":[{"delta":{"content":"a"}}]}"# + "\n\n" + #"data: {"choices":[{"delta":{"content":"b"}}]}"# + "\n\ndata: [DONE]\n\n")
    }

    @Test func midStreamDropEndsWithoutDone() async throws {
        let fake = try await VLMFakeProvider()
        let h = try harness(fake, "sse-2-10-drop")
        let r = try await h.call(VLMVisionStream.self, .post, "/v1/vision/stream", json: Self.body)
        #expect(r.status == 200)
        #expect(r.text.hasPrefix(#"data: {"choices":[{"delta":{"content":"t0"}}]}"#))
        #expect(!r.text.contains("[DONE]"))
    }

    @Test func visionRateLimitHasItsOwnBucket() async throws {
        let fake = try await VLMFakeProvider()
        let h = try harness(fake, "json", ["VISION_RL_LIMIT": "2", "WRITE_RL_LIMIT": "2", "VISION_RL_WINDOW_SEC": "86400"])
        #expect(try await analyze(h, Self.body).status == 200)
        #expect(try await h.call(VLMVisionStream.self, .post, "/v1/vision/stream", json: Self.body).status == 200)
        let third = try await analyze(h, Self.body)
        #expect(third.status == 429)
        #expect(third.header("content-type")?.hasPrefix("application/json") == true)
        #expect(third.header("retry-after") != nil)
        let s = try await h.call(VLMVisionStream.self, .post, "/v1/vision/stream", json: Self.body)
        #expect(s.status == 429, "a 429 on the stream route is JSON, never SSE")
        #expect(s.header("content-type")?.hasPrefix("application/json") == true)
        // Writes keep their own quota.
        #expect(try await h.create(#"{"namespace":"d","name":"a","text":"t"}"#).status == 201)
    }

    @Test func clientLeavingAbortsTheUpstream() async throws {
        let aborted = Mutex<ContinuousClock.Instant?>(nil)
        // 200 events 50 ms apart (10 s) unless the transfer is aborted.
        let provider: @Sendable (FakeUpstream.Received, Context) async throws -> Response = { _, _ in
            .eventStream { w in
                do {
                    for i in 0..<200 {
                        try await w.write("data: {\"choices\":[{\"delta\":{\"content\":\"t\(i)\"}}]}\n\n")
                        try await Task.sleep(for: .milliseconds(50))
                    }
                } catch {
                    aborted.withLock { $0 = .now }
                    throw error
                }
            }
        }
        try await withFakeUpstream(provider) { upstream in
            let h = try VLMHarness(["BIGMODEL_API_KEY": "bm-key", "BIGMODEL_BASE_URL": upstream.url("/bm")])
            let opened = await (try h.client()).open(.post, "/v1/vision/stream", headers: ["content-type": "application/json"],
                                                      body: Array(Self.body.utf8))
            #expect(opened.status == 200)
            var iterator: ByteStream.Iterator? = opened.body.makeAsyncIterator()
            #expect(try await iterator?.next() != nil)
            let left = ContinuousClock.now
            iterator = nil  // the client leaves: the producer and its upstream transfer are cancelled
            while aborted.withLock({ $0 }) == nil, ContinuousClock.now - left < .seconds(5) {
                try await Task.sleep(for: .milliseconds(10))
            }
            let at = try #require(aborted.withLock { $0 }, "the upstream saw the transfer aborted")
            #expect(at - left < .seconds(2), "at once, not after the 10 s the stream would take")
            #expect(upstream.requests.first?.path == "/bm/chat/completions")
        }
    }
}

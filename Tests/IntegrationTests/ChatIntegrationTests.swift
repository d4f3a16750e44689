import EdgeTesting
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// System 001 against the real `edge` binary and a loopback fake provider (a ``FakeUpstream`` whose
/// behaviour the request's `model` picks): the official OpenAI Python SDK as the client, and
/// persistence under an upstream drop and a client that hangs up, over real sockets and LMDB.
@Suite(.serialized) struct ChatIntegrationTests {
    /// The fake provider: `json`; `sse-<count>-<delayms>[-drop]` (plus a usage chunk when asked for);
    /// `hold` (one chunk, then silence until the connection closes); `status-<code>`. Title calls
    /// (`model: "title-model"`) get a title.
    static func provider(_ r: FakeUpstream.Received, _: Context) async throws -> Response {
        let body = (try? JSONValue.parse(r.body)) ?? .null
        let model = body["model"]?.stringValue ?? ""
        func json(_ v: JSONValue, _ status: HTTPResponse.Status = .ok) -> Response { .json(v, status: status) }
        if model == "title-model" { return json(["choices": [["message": ["content": "SDK Title"]]]]) }
        let parts = model.split(separator: "-").map(String.init)
        func n(_ i: Int) -> Int { i < parts.count ? Int(parts[i]) ?? 0 : 0 }
        @Sendable func chunk(_ s: String) -> String { #"data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"\#(s)"},"finish_reason":null}]}"# + "\n\n" }
        switch parts.first ?? "" {
        case "json":
            return json(["id": "c1", "object": "chat.completion", "created": 1, "model": "m",
                          "choices": [["index": 0, "message": ["role": "assistant", "content": "Hello there"], "finish_reason": "stop"]],
                          "usage": ["prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5]])
        case "status":
            return json(["error": ["message": "upstream says no", "type": "x", "code": "c"]], HTTPResponse.Status(code: n(1)))
        case "sse", "hold":
            let usage = body["stream_options"]?["include_usage"] == true
            let hold = parts[0] == "hold", drop = parts.contains("drop")
            let count = hold ? 1 : n(1), delay = n(2)
            return Response(status: .ok, headers: [.contentType: "text/event-stream"], body: .producer { w in
                for i in 0..<count {
                    try await w.write(chunk("t\(i) "))
                    if delay > 0 { try await Task.sleep(for: .milliseconds(delay)) }
                }
                if hold { try await Task.sleep(for: .seconds(60)) }
                if drop { try await w.write("data: {\"cut"); throw CancellationError() }
                try await w.write(#"data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"# + "\n\n")
                if usage {
                    try await w.write(#"data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":5,"total_tokens":8}}"# + "\n\n")
                }
                try await w.write("data: [DONE]\n\n")
            })
        default:
            return json(["error": ["message": "unknown model"]], .notFound)
        }
    }

    static func env(_ upstream: FakeUpstream, persist: Bool) -> [String: String] {
        ["KV_PATH": "/tmp/edge-chat-\(getpid())-\(UInt32.random(in: 0...UInt32.max))",
         "CHAT__PROVIDER_BASE_URL": upstream.url("/v1"), "CHAT__PROVIDER_API_KEY": "sk-up",
         "CHAT__TITLE_MODEL": "title-model", "CHAT__RATE_LIMIT_MAX": "1000", "CHAT__SSE_KEEPALIVE_MS": "200",
         "CHAT__PERSIST_TRANSCRIPTS": persist ? "true" : "false"]
    }

    @Test func theOfficialOpenAIPythonSDKWorksUnchanged() async throws {
        let script = EdgeProcess.currentDirectory() + "/Tests/Scripts/chat_openai_sdk.py"
        let upstream = try await FakeUpstream.start(Self.provider)
        defer { upstream.stop() }
        let edge = try EdgeProcess(environment: Self.env(upstream, persist: true))
        let port = edge.port
        let (status, output) = try await RawHTTP.onOwnThread { () throws -> (Int32, String) in
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["python3", script, "http://127.0.0.1:\(port)/v1"]
            let pipe = Pipe()
            p.standardOutput = pipe
            p.standardError = pipe
            try p.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return (p.terminationStatus, String(decoding: data, as: UTF8.self))
        }
        #expect(status == 0, "the SDK checks (needs `pip install openai`; make test-deps does it):\n\(output)")
        #expect(output.contains("all SDK checks passed"))
    }

    @Test func persistenceUnderAnUpstreamDropAndAClientThatHangsUp() async throws {
        let upstream = try await FakeUpstream.start(Self.provider)
        defer { upstream.stop() }
        let edge = try EdgeProcess(environment: Self.env(upstream, persist: true))
        let port = edge.port
        let session = ["x-session-id": "it-session", "content-type": "application/json"]

        let dropped = try await RawHTTP.onOwnThread {
            try RawHTTP.request(port: port, "POST", "/v1/chat/completions", headers: session,
                                body: Array(#"{"model":"sse-3-5-drop","stream":true,"messages":[{"role":"user","content":"drop me"}]}"#.utf8))
        }
        let droppedText = dropped.text
        #expect(dropped.status == 200, "\(dropped.status) \(dropped.text)")
        #expect(droppedText.contains("t2 ") && !droppedText.contains("[DONE]"), "\(droppedText)")

        // A client that reads the first chunk and hangs up.
        try await RawHTTP.onOwnThread {
            let fd = try RawHTTP.connect(port: port)
            let body = #"{"model":"hold","stream":true,"messages":[{"role":"user","content":"leave me"}]}"#
            try RawHTTP.send(fd, Array("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nx-session-id: it-session\r\ncontent-length: \(body.utf8.count)\r\n\r\n\(body)".utf8))
            var buf = [UInt8](repeating: 0, count: 4096)
            _ = Glibc.read(fd, &buf, buf.count)
            close(fd)
        }

        let list = try await RawHTTP.onOwnThread { try RawHTTP.request(port: port, "GET", "/v1/conversations", headers: session) }
        let ids = (try? JSONValue.parse(list.body))?["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        #expect(ids.count == 2, "\(list.text)")
        var statuses: [[String]] = []
        for _ in 0..<100 {
            statuses = []
            for id in ids {
                let r = try await RawHTTP.onOwnThread { try RawHTTP.request(port: port, "GET", "/v1/conversations/\(id)", headers: session) }
                statuses.append((try? JSONValue.parse(r.body))?["messages"]?.arrayValue?.compactMap { $0["status"]?.stringValue } ?? [])
            }
            if statuses.allSatisfy({ $0.count == 2 }) { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(statuses == [["final", "error"], ["final", "error"]], "user row at start, one error row each")
        #expect(upstream.requests.filter { (try? JSONValue.parse($0.body))?["model"] == "title-model" }.count == 2)
    }

    @Test func requestLogsCarryTheSessionAndRedactAuthorization() async throws {
        let upstream = try await FakeUpstream.start(Self.provider)
        defer { upstream.stop() }
        let edge = try EdgeProcess(environment: Self.env(upstream, persist: false))
        let port = edge.port
        let r = try await RawHTTP.onOwnThread {
            try RawHTTP.request(port: port, "POST", "/v1/chat/completions",
                                headers: ["authorization": "Bearer sk-very-secret", "x-session-id": "log-session", "x-request-id": "req-42"],
                                body: Array(#"{"model":"json","messages":[]}"#.utf8))
        }
        #expect(r.status == 200 && r.header("x-request-id") == "req-42")
        var lines: [Substring] = []
        for _ in 0..<100 {
            lines = edge.log.split(separator: "\n").filter { $0.contains("req-42") }
            if lines.contains(where: { $0.contains("request:end") }) { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        let start = lines.first { $0.contains("request:start") }
        let end = lines.first { $0.contains("request:end") }
        #expect(start?.contains("log-session") == true && start?.contains("[redacted]") == true, "\(lines)")
        #expect(end?.contains("log-session") == true && end?.contains("durationMs") == true && end?.contains("200") == true)
        #expect(!edge.log.contains("sk-very-secret"), "the client's credential never reaches the log")
    }
}

import EdgeTesting
@testable import Functions
import Foundation
import Synchronization

/// A fake OpenAI-compatible provider on 127.0.0.1 (a ``FakeUpstream``) that tests point
/// `PROVIDER_BASE_URL` at. The first path segment of the base picks the behaviour:
/// - `json`: a fixed completion, as fixed bytes (odd spacing, `1.50`) so passthrough can be compared exactly;
/// - `status-<code>`: that status with an OpenAI error object;
/// - `text-<code>`: that status with a plain-text body;
/// - `slow-<ms>`: waits before answering `json`;
/// - `sse-<count>-<delayms>[-usage][-drop]`: `count` content chunks `delay` apart, a usage chunk, then
///   `[DONE]` (or a cut connection after a partial event);
/// - `redirect`: 307 to `/json/v1/chat/completions` on this same server (a proxy that followed it would get a
///   completion);
/// - `hold`: one chunk, then writes a keep-alive every 20 ms until the connection is gone (``hold``
///   records when the writes fail: the proxy aborted the transfer).
/// A request whose `model` is `title-model` is the title call: it gets `"Fake Title"` unless the mode
/// contains `notitle` (then 500).
final class ChatFakeProvider: Sendable {
    let upstream: FakeUpstream
    /// What the `hold` stream saw: started, and aborted once a write failed because its client went away.
    let hold: HoldFlags

    final class HoldFlags: Sendable {
        let state = Mutex<(started: Bool, aborted: Bool)>((false, false))
        var started: Bool { state.withLock { $0.started } }
        var aborted: Bool { state.withLock { $0.aborted } }
    }

    static let jsonBody = #"{"id":"chatcmpl-1", "object":"chat.completion","created":1700000000,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Hello there"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5},"x":1.50}"#

    init() async throws {
        let hold = HoldFlags()
        self.hold = hold
        upstream = try await FakeUpstream.start { request, _ in try await Self.answer(request, hold: hold) }
    }

    func base(_ mode: String) -> String { upstream.url("/\(mode)/v1/") }

    /// Requests that were not title calls.
    var chatRequests: [FakeUpstream.Received] {
        upstream.requests.filter { !$0.text.contains(#""model":"title-model""#) }
    }
    var titleRequests: [FakeUpstream.Received] {
        upstream.requests.filter { $0.text.contains(#""model":"title-model""#) }
    }

    static func chunk(_ content: String) -> String {
        #"data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"\#(content)"},"finish_reason":null}]}"# + "\n\n"
    }
    static let finish = #"data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"# + "\n\n"
    static let usage = #"data: {"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":5,"total_tokens":8}}"# + "\n\n"

    /// The exact bytes of an `sse-<count>-…` stream (without a drop).
    static func sse(count: Int, usage: Bool) -> String {
        (0..<count).map { chunk("t\($0) ") }.joined() + finish + (usage ? Self.usage : "") + "data: [DONE]\n\n"
    }

    static func answer(_ request: FakeUpstream.Received, hold: HoldFlags) async throws -> Response {
        let mode = String(request.path.split(separator: "/").first ?? "")
        if request.text.contains(#""model":"title-model""#) {
            if mode.contains("notitle") { return try .json(["error": ["message": "no titles"]], status: .internalServerError) }
            return try .json(["choices": [["message": ["role": "assistant", "content": "\"Fake Title\""]]]])
        }
        let parts = mode.split(separator: "-").map(String.init)
        func number(_ i: Int) -> Int { i < parts.count ? Int(parts[i]) ?? 0 : 0 }
        switch parts.first ?? "" {
        case "json", "notitle":
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .bytes(Array(Self.jsonBody.utf8)))
        case "slow":
            try await Task.sleep(for: .milliseconds(number(1)))
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .bytes(Array(Self.jsonBody.utf8)))
        case "status":
            let code = number(1)
            return .json(["error": ["message": "upstream says no", "type": "rate_limit_error", "code": .number(Double(code))]],
                         status: HTTPResponse.Status(code: code))
        case "text":
            return .text("upstream exploded", status: HTTPResponse.Status(code: number(1)))
        case "sse":
            let count = number(1), delay = number(2), usage = parts.contains("usage"), drop = parts.contains("drop")
            return Response(status: .ok, headers: [.contentType: "text/event-stream"], body: .producer { w in
                for i in 0..<count {
                    try await w.write(Self.chunk("t\(i) "))
                    if delay > 0 { try await Task.sleep(for: .milliseconds(delay)) }
                }
                if drop {
                    try await w.write("data: {\"partial")
                    throw CancellationError()  // the engine cuts the connection: no terminating chunk
                }
                try await w.write(Self.finish)
                if usage { try await w.write(Self.usage) }
                try await w.write("data: [DONE]\n\n")
            })
        case "redirect":
            return .redirect(to: "/json/v1/chat/completions", status: .temporaryRedirect)
        case "hold":
            return Response(status: .ok, headers: [.contentType: "text/event-stream"], body: .producer { w in
                try await w.write(Self.chunk("first"))
                hold.state.withLock { $0.started = true }
                do {
                    for _ in 0..<1500 {
                        try await Task.sleep(for: .milliseconds(20))
                        try await w.write(": ping\n\n")
                    }
                } catch {
                    hold.state.withLock { $0.aborted = true }
                    throw error
                }
            })
        default:
            return try .json(["error": "no such mode"], status: .notFound)
        }
    }
}

/// The deployment (generated routes, apps, the real `vercel-like.json`) over an in-memory KV with a
/// manual clock, with 001's settings scoped to the chat app.
enum ChatDeployment {
    static let config: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return (try? String(contentsOf: root.appendingPathComponent("vercel-like.json"), encoding: .utf8)) ?? "{}"
    }()

    static func client(_ fake: ChatFakeProvider?, mode: String = "json", _ env: [String: String] = [:],
                       clock: ManualKvClock = ManualKvClock()) throws -> TestClient {
        var all = ["CHAT__TITLE_MODEL": "title-model", "CHAT__PROVIDER_API_KEY": "sk-test",
                   "CHAT__RATE_LIMIT_MAX": "5000"]
        if let fake { all["CHAT__PROVIDER_BASE_URL"] = fake.base(mode) }
        for (k, v) in env { all["CHAT__" + k] = v }
        return try TestClient(routes: FunctionsManifest.routes, apps: FunctionsManifest.apps, config: config, env: all, clock: clock)
    }
}

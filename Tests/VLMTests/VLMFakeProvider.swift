import EdgeTesting

/// A fake OpenAI-compatible provider on 127.0.0.1 (a ``FakeUpstream``). The first path segment of the
/// base URL picks the behaviour:
/// - `json`: a chat completion that echoes the request (path, auth headers, body);
/// - `status-<code>`: that status with an OpenAI-style JSON error;
/// - `text`: 200 with a non-JSON body;
/// - `slow-<ms>`: waits before answering JSON;
/// - `sse-<count>-<delayms>[-drop]`: `count` chunks `delay` apart, then `[DONE]` (or a cut stream);
/// - `silent-<ms>`: one chunk, silence for `ms`, one chunk, `[DONE]`.
final class VLMFakeProvider: Sendable {
    let upstream: FakeUpstream

    init() async throws {
        upstream = try await FakeUpstream.start(Self.answer)
    }

    func base(_ mode: String) -> String { upstream.url("/\(mode)") }

    static func event(_ content: String) -> String { "data: {\"choices\":[{\"delta\":{\"content\":\"\(content)\"}}]}\n\n" }

    static func answer(_ request: FakeUpstream.Received, _ context: Context) async throws -> Response {
        let parts = (request.path.split(separator: "/").first ?? "").split(separator: "-").map(String.init)
        switch parts.first ?? "" {
        case "json", "slow":
            if parts[0] == "slow", let ms = Int(parts[1]) { try await Task.sleep(for: .milliseconds(ms)) }
            let header = { (name: String) -> JSONValue in
                HTTPField.Name(name).flatMap { request.headers[$0] }.map(JSONValue.string) ?? .null
            }
            let echo: JSONValue = [
                "path": .string(request.path), "authorization": header("authorization"), "referer": header("http-referer"),
                "title": header("x-title"), "accept": header("accept"),
                "body": (try? JSON.decode(JSONValue.self, from: request.body)) ?? .null,
            ]
            return .json(JSONValue.object(["id": "cmpl-1", "object": "chat.completion",
                          "choices": [["index": 0, "message": ["role": "assistant", "content": "ok"]]], "echo": echo]))
        case "status":
            let code = Int(parts[1]) ?? 500
            return .json(JSONValue.object(["error": ["message": "upstream says no", "type": "x", "code": .number(Double(code))]]),
                         status: HTTPResponse.Status(code: code))
        case "text":
            return .text("this is not json")
        case "sse":
            let count = Int(parts[1]) ?? 0, delay = Int(parts[2]) ?? 0, drop = parts.contains("drop")
            return Response(status: .ok, headers: [.contentType: "text/event-stream"], body: .producer { w in
                for i in 0..<count {
                    try await w.write(Self.event("t\(i)"))
                    try await Task.sleep(for: .milliseconds(delay))
                }
                if drop {
                    try await w.write("data: {\"partial")
                    throw CancellationError()  // the engine cuts the connection: no terminating chunk
                }
                try await w.write("data: [DONE]\n\n")
            })
        case "silent":
            let ms = Int(parts[1]) ?? 0
            return Response(status: .ok, headers: [.contentType: "text/event-stream"], body: .producer { w in
                try await w.write(Self.event("a"))
                try await Task.sleep(for: .milliseconds(ms))
                try await w.write(Self.event("b"))
                try await w.write("data: [DONE]\n\n")
            })
        default:
            return .json(JSONValue.object(["error": "no such mode"]), status: .notFound)
        }
    }
}

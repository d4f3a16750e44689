import EdgeTesting
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 18's trace test against the real `edge` binary: a `traceparent` in -> the same trace id in the
/// upstream request (with a new parent id) and in the access-log line; with `OTEL_EXPORTER_OTLP_ENDPOINT`
/// set, the request's spans (request, KV commit, fetch) reach an OTLP/HTTP receiver on loopback with that
/// trace id, exported by the worker process that served it. The route is the chat app's completions
/// (a real provider call through `context.fetch` and real LMDB commits).
@Suite(.serialized) struct TracingIntegrationTests {
    static let trace = "4bf92f3577b34da6a3ce929d0e0e4736"
    static let incoming = "00-\(trace)-00f067aa0ba902b7-01"

    /// Sends one non-streamed completion carrying ``incoming``; returns the provider's `traceparent`.
    static func complete(_ edge: EdgeProcess, provider: FakeUpstream) async throws -> (status: Int, forwarded: String?) {
        let port = edge.port
        let r = try await RawHTTP.onOwnThread {
            try RawHTTP.request(port: port, "POST", "/v1/chat/completions",
                                headers: ["x-session-id": "trace-session", "content-type": "application/json", "traceparent": incoming],
                                body: Array(#"{"model":"json","messages":[{"role":"user","content":"hi"}]}"#.utf8))
        }
        // The completion itself (the chat app may also call the provider for a title).
        let call = provider.requests.first { $0.path.hasSuffix("/chat/completions") && $0.text.contains(#""model":"json""#) }
        return (r.status, call?.headers[HTTPField.Name("traceparent")!])
    }

    /// Sends one non-streamed completion with `traceparent` (none: nil); returns the status and the
    /// `traceparent` of the provider's latest completion call.
    static func complete(_ edge: EdgeProcess, provider: FakeUpstream, traceparent: String?) async throws -> (status: Int, forwarded: String?) {
        let port = edge.port
        var fields = ["x-session-id": "trace-session", "content-type": "application/json"]
        if let traceparent { fields["traceparent"] = traceparent }
        let headers = fields
        let r = try await RawHTTP.onOwnThread {
            try RawHTTP.request(port: port, "POST", "/v1/chat/completions", headers: headers,
                                body: Array(#"{"model":"json","messages":[{"role":"user","content":"hi"}]}"#.utf8))
        }
        let call = provider.requests.last { $0.path.hasSuffix("/chat/completions") && $0.text.contains(#""model":"json""#) }
        return (r.status, call?.headers[HTTPField.Name("traceparent")!])
    }

    /// The access-log lines of the completions, in order.
    static func requestLines(_ log: String) -> [[String: Any]] {
        log.split(separator: "\n").compactMap { line in
            try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        }.filter { $0["msg"] as? String == "request" && $0["path"] as? String == "/v1/chat/completions" }
    }

    /// The access-log line of the completion (`msg: request`, the route's path).
    static func requestLine(_ log: String) -> [String: Any]? {
        log.split(separator: "\n").lazy.compactMap { line in
            try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        }.first { $0["msg"] as? String == "request" && $0["path"] as? String == "/v1/chat/completions" }
    }

    @Test func tracingOffTheTraceStillReachesTheUpstreamAndTheLog() async throws {
        let provider = try await FakeUpstream.start(ChatIntegrationTests.provider)
        defer { provider.stop() }
        let edge = try EdgeProcess(arguments: ["serve", "--workers", "0"], environment: ChatIntegrationTests.env(provider, persist: true))
        let (status, forwarded) = try await Self.complete(edge, provider: provider)
        #expect(status == 200)
        let sent = try #require(forwarded.flatMap(Self.parse), "provider got traceparent \(String(describing: forwarded))")
        #expect(sent.traceId == Self.trace)
        #expect(sent.parentId != "00f067aa0ba902b7" && sent.parentId != String(repeating: "0", count: 16))
        #expect(sent.flags == "01")
        edge.stop()
        #expect(Self.requestLine(edge.log)?["traceId"] as? String == Self.trace, "\(edge.log)")
    }

    @Test func spansReachTheOTLPReceiverWithTheIncomingTraceId() async throws {
        let receiver = try await Self.otlpReceiver()
        defer { receiver.stop() }
        let provider = try await FakeUpstream.start(ChatIntegrationTests.provider)
        defer { provider.stop() }
        let env = Self.exporting(to: receiver, provider: provider)
        // One worker under the supervisor: the worker, not the supervisor, exports.
        let edge = try EdgeProcess(arguments: ["serve", "--workers", "1"], environment: env)
        let (status, forwarded) = try await Self.complete(edge, provider: provider)
        #expect(status == 200)
        let sent = try #require(forwarded.flatMap(Self.parse), "provider got traceparent \(String(describing: forwarded))")
        #expect(sent.traceId == Self.trace)
        // Graceful shutdown flushes what the batch processor still holds.
        #expect(edge.stop() == 0, "\(edge.log)")
        #expect(Self.requestLine(edge.log)?["traceId"] as? String == Self.trace, "\(edge.log)")

        let exports = receiver.requests.filter { $0.method == .post && $0.path == "/v1/traces" }
        #expect(!exports.isEmpty, "no POST /v1/traces; receiver saw \(receiver.requests.map(\.path)); log:\n\(edge.log)")
        let spans = exports.flatMap { Self.spans(inExport: $0.body) }.filter { $0.traceId == Self.trace }
        let names = Set(spans.map(\.name))
        #expect(names.isSuperset(of: ["POST /v1/chat/completions", "fetch POST", "kv.commit"]), "\(spans)")
        let request = try #require(spans.first { $0.name == "POST /v1/chat/completions" })
        #expect(request.parentSpanId == "00f067aa0ba902b7", "the request span's parent is the caller's span")
        let fetches = spans.filter { $0.name == "fetch POST" }
        #expect(fetches.allSatisfy { $0.parentSpanId == request.spanId }, "\(spans)")
        #expect(fetches.contains { $0.spanId == sent.parentId }, "the provider was called with a fetch span as parent: \(sent.parentId) in \(spans)")
        #expect(spans.filter { $0.name == "kv.commit" }.allSatisfy { $0.parentSpanId == request.spanId })
    }

    /// Decisions/0024: with a sampler that drops root spans (`parentbased_always_off`, the limit of
    /// `parentbased_traceidratio`), a request without `traceparent` exports no span, yet it has a trace: its id
    /// is in the access log and goes to the provider unsampled (flags `00`). A request whose caller sampled
    /// its trace is still recorded, with its KV commit and fetch.
    @Test func anUnsampledRequestExportsNothingButPropagatesItsTrace() async throws {
        let receiver = try await Self.otlpReceiver()
        defer { receiver.stop() }
        let provider = try await FakeUpstream.start(ChatIntegrationTests.provider)
        defer { provider.stop() }
        var env = Self.exporting(to: receiver, provider: provider)
        env["OTEL_TRACES_SAMPLER"] = "parentbased_always_off"
        let edge = try EdgeProcess(arguments: ["serve", "--workers", "0"], environment: env)
        let (status, forwarded) = try await Self.complete(edge, provider: provider, traceparent: nil)
        #expect(status == 200)
        let sent = try #require(forwarded.flatMap(Self.parse), "provider got traceparent \(String(describing: forwarded))")
        #expect(sent.flags == "00")
        #expect(sent.traceId != String(repeating: "0", count: 32))
        let (sampledStatus, sampledForward) = try await Self.complete(edge, provider: provider, traceparent: Self.incoming)
        #expect(sampledStatus == 200)
        #expect(sampledForward.flatMap(Self.parse)?.traceId == Self.trace)
        #expect(sampledForward.flatMap(Self.parse)?.flags == "01")
        #expect(edge.stop() == 0, "\(edge.log)")

        let lines = Self.requestLines(edge.log)
        #expect(lines.count == 2, "\(edge.log)")
        #expect(lines.first?["traceId"] as? String == sent.traceId, "the unsampled trace's id is logged")
        #expect(lines.last?["traceId"] as? String == Self.trace)
        let spans = receiver.requests.filter { $0.method == .post && $0.path == "/v1/traces" }.flatMap { Self.spans(inExport: $0.body) }
        #expect(!spans.contains { $0.traceId == sent.traceId }, "an unsampled trace was exported: \(spans)")
        let names = Set(spans.filter { $0.traceId == Self.trace }.map(\.name))
        #expect(names.isSuperset(of: ["POST /v1/chat/completions", "fetch POST", "kv.commit"]), "\(spans)")
    }

    /// An OTLP/HTTP receiver that accepts every export.
    static func otlpReceiver() async throws -> FakeUpstream {
        try await FakeUpstream.start { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .bytes(Array("{}".utf8)))
        }
    }

    /// The chat app's environment with spans exported as OTLP/JSON to `receiver`, flushed every 100 ms.
    static func exporting(to receiver: FakeUpstream, provider: FakeUpstream) -> [String: String] {
        var env = ChatIntegrationTests.env(provider, persist: true)
        env["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.url("")
        env["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/json"
        env["OTEL_BSP_SCHEDULE_DELAY"] = "100"
        return env
    }

    struct Parsed { let traceId, parentId, flags: String }

    static func parse(_ header: String) -> Parsed? {
        let parts = header.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, parts[0] == "00", parts[1].count == 32, parts[2].count == 16, parts[3].count == 2 else { return nil }
        return Parsed(traceId: parts[1], parentId: parts[2], flags: parts[3])
    }

    struct ExportedSpan: CustomStringConvertible {
        let name, traceId, spanId, parentSpanId: String
        var description: String { "\(name) \(traceId)/\(spanId)<-\(parentSpanId)" }
    }

    /// The spans of one OTLP/JSON `ExportTraceServiceRequest`. Ids are hex as OTLP/JSON says, or base64 as
    /// protobuf's canonical JSON writes `bytes`: both are read.
    static func spans(inExport body: [UInt8]) -> [ExportedSpan] {
        guard let root = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { return [] }
        var out: [ExportedSpan] = []
        for rs in root["resourceSpans"] as? [[String: Any]] ?? [] {
            for ss in rs["scopeSpans"] as? [[String: Any]] ?? [] {
                for s in ss["spans"] as? [[String: Any]] ?? [] {
                    out.append(ExportedSpan(name: s["name"] as? String ?? "", traceId: hex(s["traceId"]), spanId: hex(s["spanId"]),
                                            parentSpanId: hex(s["parentSpanId"])))
                }
            }
        }
        return out
    }

    static func hex(_ value: Any?) -> String {
        guard let s = value as? String, !s.isEmpty else { return "" }
        if (s.count == 32 || s.count == 16), s.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) { return s }
        guard let data = Data(base64Encoded: s) else { return s }
        return data.map { String(format: "%02x", $0) }.joined()
    }
}

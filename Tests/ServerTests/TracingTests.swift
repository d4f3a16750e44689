@testable import EdgeRuntime
import EdgeTesting
import InMemoryTracing
import KV
import Testing
import Tracing

/// Trace context through the router: a request's `traceparent` reaches the upstream of `context.fetch`
/// (same trace, new parent) with tracing off; with a tracer, the request, its KV commit and its fetch are
/// spans of one trace, and the upstream is called with the fetch span's context.
@Suite(.serialized) struct TracingTests {
    /// The process's tracer: `InstrumentationSystem` takes one bootstrap per process, so every test
    /// here shares it and picks its own spans out by trace id.
    static let tracer: InMemoryTracer = {
        let t = InMemoryTracer()
        InstrumentationSystem.bootstrap(t)
        return t
    }()

    /// `GET|POST /call`: commits one KV write (POST only), then fetches `UPSTREAM` (forwarding the
    /// `x-own-traceparent` header as its own `traceparent` when present).
    struct Call: EdgeFunction {
        func handle(_ request: Request, context: Context) async throws -> Response {
            if request.method == .post { try await context.kv.set(["calls", .string(context.requestId)], .string("x")) }
            var headers: FetchHeaders = [:]
            if let own = request.headers[HTTPField.Name("x-own-traceparent")!] { headers.append(name: "traceparent", value: own) }
            let upstream = try await context.fetch(context.env["UPSTREAM"] ?? "", headers: headers)
            _ = try await upstream.body.bytes(upTo: 1024)
            return .text("called \(upstream.status)")
        }
    }

    static let routes = [RouteDescriptor("/call", file: "Functions/call/Call.swift", Call.self)]
    static let incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    @Test func tracingOffForwardsTheTraceWithANewParentId() async throws {
        try await withFakeUpstream({ _, _ in .text("up") }) { up in
            let client = try TestClient(routes: Self.routes, env: ["UPSTREAM": up.url("/x")])
            let r = await client.send(.get, "/call", headers: ["traceparent": Self.incoming])
            #expect(r.status == 200)
            let sent = try #require(up.requests.first?.headers[HTTPField.Name("traceparent")!])
            let forwarded = try #require(TraceParent(sent), "not a valid traceparent: \(sent)")
            #expect(forwarded.traceId == "4bf92f3577b34da6a3ce929d0e0e4736")
            #expect(forwarded.parentId != "00f067aa0ba902b7")
            #expect(forwarded.flags == "01")
            #expect(sent.hasPrefix("00-"))
            // A second call gets a parent id of its own.
            _ = await client.send(.get, "/call", headers: ["traceparent": Self.incoming])
            let second = try #require(TraceParent(up.requests.last?.headers[HTTPField.Name("traceparent")!]))
            #expect(second.traceId == forwarded.traceId && second.parentId != forwarded.parentId)
        }
    }

    @Test func withoutAValidTraceparentNothingIsForwarded() async throws {
        try await withFakeUpstream({ _, _ in .text("up") }) { up in
            let client = try TestClient(routes: Self.routes, env: ["UPSTREAM": up.url("/x")])
            _ = await client.send(.get, "/call")
            _ = await client.send(.get, "/call", headers: ["traceparent": "00-00000000000000000000000000000000-00f067aa0ba902b7-01"])
            _ = await client.send(.get, "/call", headers: ["traceparent": "garbage"])
            #expect(up.requests.count == 3)
            for received in up.requests { #expect(received.headers[HTTPField.Name("traceparent")!] == nil) }
        }
    }

    @Test func aHandlersOwnTraceparentIsKept() async throws {
        try await withFakeUpstream({ _, _ in .text("up") }) { up in
            let client = try TestClient(routes: Self.routes, env: ["UPSTREAM": up.url("/x")])
            let own = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00"
            _ = await client.send(.get, "/call", headers: ["traceparent": Self.incoming, "x-own-traceparent": own])
            #expect(up.requests.first?.headers[HTTPField.Name("traceparent")!] == own)
        }
    }

    @Test func withATracerTheRequestItsKVCommitAndItsFetchAreOneTrace() async throws {
        let tracer = Self.tracer
        try await withFakeUpstream({ _, _ in .text("up") }) { up in
            let client = try TestClient(routes: Self.routes, env: ["UPSTREAM": up.url("/x")], tracer: tracer)
            let trace = "trace-\(UInt64.random(in: 1...UInt64.max))"
            let r = await client.send(.post, "/call", headers: [InMemoryTracer.traceIDKey: trace, InMemoryTracer.spanIDKey: "caller"])
            #expect(r.status == 200)
            let spans = tracer.finishedSpans.filter { $0.traceID == trace }
            #expect(spans.count == 3, "\(spans.map(\.operationName))")
            let request = try #require(spans.first { $0.operationName == "POST /call" })
            let commit = try #require(spans.first { $0.operationName == "kv.commit" })
            let fetch = try #require(spans.first { $0.operationName == "fetch GET" })
            #expect(request.spanContext.parentSpanID == "caller")
            #expect(request.kind == .server)
            #expect(request.attributes.get("http.route") == "/call")
            #expect(request.attributes.get("http.response.status_code") == 200)
            #expect(commit.spanContext.parentSpanID == request.spanID)
            #expect(commit.attributes.get("kv.mutations") == 1)
            #expect(commit.attributes.get("kv.ok") == true)
            #expect(fetch.spanContext.parentSpanID == request.spanID)
            #expect(fetch.kind == .client)
            #expect(fetch.attributes.get("server.address") == "127.0.0.1")
            #expect(fetch.attributes.get("http.response.status_code") == 200)
            // The upstream was called with the fetch span's context, in the tracer's own headers.
            let headers = try #require(up.requests.first?.headers)
            #expect(headers[HTTPField.Name(InMemoryTracer.traceIDKey)!] == trace)
            #expect(headers[HTTPField.Name(InMemoryTracer.spanIDKey)!] == fetch.spanID)
        }
    }

    @Test func aFailedFetchIsAnErrorSpan() async throws {
        let tracer = Self.tracer
        // Nothing listens on port 1: the transfer fails, the handler's error is a 502.
        let client = try TestClient(routes: Self.routes, env: ["UPSTREAM": "http://127.0.0.1:1/"], tracer: tracer)
        let trace = "trace-\(UInt64.random(in: 1...UInt64.max))"
        let r = await client.send(.get, "/call", headers: [InMemoryTracer.traceIDKey: trace, InMemoryTracer.spanIDKey: "caller"])
        #expect(r.status == 502)
        let spans = tracer.finishedSpans.filter { $0.traceID == trace }
        let fetch = try #require(spans.first { $0.operationName == "fetch GET" })
        #expect(fetch.status?.code == .error)
        #expect(fetch.errors.count == 1)
        let request = try #require(spans.first { $0.operationName == "GET /call" })
        #expect(request.attributes.get("http.response.status_code") == 502)
        #expect(spans.allSatisfy { $0.operationName != "kv.commit" }, "a GET commits nothing")
    }

    @Test func tracingOffMakesNoSpans() async throws {
        let tracer = Self.tracer
        try await withFakeUpstream({ _, _ in .text("up") }) { up in
            let client = try TestClient(routes: Self.routes, env: ["UPSTREAM": up.url("/x")])
            let before = tracer.finishedSpans.count
            _ = await client.send(.post, "/call", headers: ["traceparent": Self.incoming])
            #expect(tracer.finishedSpans.count == before)
        }
    }

    /// The fetch span's `server.address`: the host only, never userinfo, port, path or query.
    @Test(arguments: [
        ("http://127.0.0.1:8080/v1/x?key=secret", "127.0.0.1"), ("https://user:pw@api.example.com/p", "api.example.com"),
        ("http://[::1]:9/x", "[::1]"), ("https://example.com", "example.com"), ("https://example.com?q=1", "example.com"),
    ])
    func fetchSpanHost(url: String, host: String) {
        #expect(FetchSpan.host(of: url) == host)
    }

    @Test(arguments: ["", "no-scheme/path", "http://", "http://[::1/x"])
    func fetchSpanHostOfANonURL(url: String) {
        #expect(FetchSpan.host(of: url) == nil)
    }
}

import EdgeTesting
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `GET /metrics` of the real binary with two workers, read by Prometheus' own text parser
/// (`prometheus_client.parser`, `make test-deps`): after a known load the counts are exact, whichever
/// worker answers the scrape, and they stay exact after a worker is killed with SIGKILL and restarted.
@Suite(.serialized) struct MetricsIntegrationTests {
    /// Scrapes `/metrics` and parses it with `prometheus_client`: every sample as
    /// `name{label="value",…}` (labels sorted) to its value. Fails the test when the parser rejects it.
    static func scrape(port: Int, token: String = "t") throws -> [String: Double] {
        let script = """
        import json, sys, urllib.request
        from prometheus_client.parser import text_string_to_metric_families
        req = urllib.request.Request(sys.argv[1], headers={"Authorization": "Bearer " + sys.argv[2]})
        text = urllib.request.urlopen(req, timeout=10).read().decode("utf-8")
        out = {}
        for family in text_string_to_metric_families(text):
            for s in family.samples:
                labels = ",".join('%s="%s"' % (k, s.labels[k]) for k in sorted(s.labels))
                out[s.name + ("{" + labels + "}" if labels else "")] = s.value
        print(json.dumps(out))
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, "http://127.0.0.1:\(port)/metrics", token]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errText = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "prometheus_client rejected /metrics: \(errText)")
        let json = try JSONValue.parse(Array(data))
        var samples: [String: Double] = [:]
        if case .object(let o) = json {
            for (k, v) in o { samples[k] = v.doubleValue }
        }
        return samples
    }

    static func requests(_ s: [String: Double], _ route: String, _ status: String) -> Double? {
        s["edge_http_requests_total{route=\"\(route)\",status=\"\(status)\"}"]
    }

    @Test func countsAreExactAcrossWorkersAndSurviveAKilledWorker() async throws {
        let kv = try TemporaryDirectory(prefix: "edge-metrics")
        let edge = try EdgeProcess(arguments: ["serve", "--workers", "2"], environment: [
            "KV_PATH": kv.path, "EDGE_ADMIN_TOKEN": "t", "ACCESS_LOG": "off",
            "PROVIDER_BASE_URL": "http://127.0.0.1:9/v1",  // nothing listens: every chat completion is a 502
        ])
        defer { withExtendedLifetime(kv) {} }
        let port = edge.port
        #expect(WorkerIsolationTests.waitUntil(10) { WorkerIsolationTests.workerPids(edge.log).count == 2 })

        // The known load: 200 requests, each on a fresh connection (the kernel spreads them over both workers).
        let statuses = try await RawHTTP.onOwnThread { () throws -> [String: Int] in
            var seen: [String: Int] = [:]
            for i in 0..<120 {
                let r = try RawHTTP.request(port: port, "GET", "/hello?i=\(i)")
                seen["hello \(r.status)", default: 0] += 1
            }
            for i in 0..<50 {
                let r = try RawHTTP.request(port: port, "PUT", "/api/sessions/s\(i)", headers: ["content-type": "application/json"], body: Array("[1]".utf8))
                seen["session \(r.status)", default: 0] += 1
            }
            for _ in 0..<30 {
                let r = try RawHTTP.request(port: port, "POST", "/v1/chat/completions", headers: ["content-type": "application/json", "x-session-id": "m"],
                                            body: Array(#"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#.utf8))
                seen["chat \(r.status)", default: 0] += 1
            }
            return seen
        }
        #expect(statuses == ["hello 200": 120, "session 400": 50, "chat 502": 30], "the load's statuses: \(statuses)")

        let first = try Self.scrape(port: port)
        #expect(Self.requests(first, "/hello", "2xx") == 120)
        #expect(Self.requests(first, "/hello", "4xx") == 0 && Self.requests(first, "/hello", "5xx") == 0)
        #expect(Self.requests(first, "/api/sessions/:sessionId", "4xx") == 50)
        #expect(Self.requests(first, "/v1/chat/completions", "5xx") == 30)
        #expect(first["edge_http_request_duration_seconds_count{route=\"/hello\"}"] == 120)
        #expect(first["edge_http_request_duration_seconds_bucket{le=\"+Inf\",route=\"/hello\"}"] == 120)
        #expect(first["edge_http_requests_in_flight{route=\"/hello\"}"] == 0)
        #expect(first["edge_http_request_bytes_total{route=\"/api/sessions/:sessionId\"}"] == 150, "3 body bytes each")
        #expect((first["edge_http_response_bytes_total{route=\"/hello\"}"] ?? 0) > 0)
        #expect((first["edge_fetch_errors_total"] ?? 0) >= 30, "each 502 is a failed transfer")
        #expect((first["edge_kv_operations_total{op=\"read\"}"] ?? -1) >= 0)
        #expect(first["edge_worker_restarts_total"] == 0)

        // Whichever worker answers, the figures are the same sum.
        for _ in 0..<4 {
            let again = try Self.scrape(port: port)
            #expect(Self.requests(again, "/hello", "2xx") == 120 && Self.requests(again, "/v1/chat/completions", "5xx") == 30)
        }

        // A worker dies without a word; its successor takes its slot, and no count goes down.
        let victim = try #require(WorkerIsolationTests.workerPids(edge.log).first)
        kill(victim, SIGKILL)
        #expect(WorkerIsolationTests.waitUntil(10) { WorkerIsolationTests.workerPids(edge.log).count == 3 }, "restarted")
        try await RawHTTP.onOwnThread { () throws -> Void in
            for _ in 0..<10 { #expect(try RawHTTP.request(port: port, "GET", "/hello").status == 200) }
        }
        for _ in 0..<4 {
            let after = try Self.scrape(port: port)
            #expect(Self.requests(after, "/hello", "2xx") == 130)
            #expect(Self.requests(after, "/api/sessions/:sessionId", "4xx") == 50)
            #expect(Self.requests(after, "/v1/chat/completions", "5xx") == 30)
            #expect(after["edge_http_request_duration_seconds_count{route=\"/hello\"}"] == 130)
            #expect(after["edge_worker_restarts_total"] == 1)
        }

        // The token guards it as it guards /__edge/*.
        let anonymous = try await RawHTTP.onOwnThread { try RawHTTP.request(port: port, "GET", "/metrics") }
        #expect(anonymous.status == 401)
        #expect(edge.stop() == 0)
    }

    @Test func singleProcessModeCountsToo() async throws {
        let kv = try TemporaryDirectory(prefix: "edge-metrics-one")
        let edge = try EdgeProcess(arguments: ["serve", "--workers", "0"], environment: ["KV_PATH": kv.path, "EDGE_ADMIN_TOKEN": "t", "ACCESS_LOG": "off"])
        defer { withExtendedLifetime(kv) {} }
        let port = edge.port
        try await RawHTTP.onOwnThread { () throws -> Void in
            for i in 0..<7 {
                #expect(try RawHTTP.request(port: port, "PUT", "/api/sessions/one", headers: ["content-type": "application/json"],
                                            body: Array(#"{"state":{"savedAt":\#(i + 1)}}"#.utf8)).status == 204)
            }
            for _ in 0..<3 { #expect(try RawHTTP.request(port: port, "GET", "/no/such/route").status == 404) }
        }
        let s = try Self.scrape(port: port)
        #expect(Self.requests(s, "/api/sessions/:sessionId", "2xx") == 7)
        #expect(Self.requests(s, "(unmatched)", "4xx") == 3)
        #expect((s["edge_kv_operations_total{op=\"commit\"}"] ?? 0) >= 7, "each PUT commits")
        #expect((s["edge_kv_commit_batch_size_count"] ?? 0) >= 1)
        #expect((s["edge_kv_fsync_duration_seconds_count"] ?? 0) >= 1)
        #expect((s["edge_kv_store_bytes"] ?? 0) > 0)
        #expect(edge.stop() == 0)
    }
}

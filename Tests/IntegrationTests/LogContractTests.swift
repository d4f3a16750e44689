import EdgeTesting
import Foundation
import Testing

/// One JSON line per request with one field vocabulary; `traceId` only from a valid `traceparent`;
/// levels honoured; `LOG_FORMAT=pretty` for humans.
@Suite(.serialized) struct LogContractTests {
    static func requestLines(_ log: String) -> [[String: Any]] {
        log.split(separator: "\n").compactMap { line in
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], o["msg"] as? String == "request" else { return nil }
            return o
        }
    }

    static func serve(env: [String: String] = [:], _ body: (Int) throws -> Void) throws -> String {
        let dir = try TemporaryDirectory()
        let edge = try EdgeCLI.start(["serve", "--workers", "0", "--host", "127.0.0.1", "--port", "0", "--no-kv"], in: dir.path, env: env)
        defer { edge.cleanup() }
        guard let port = edge.listeningPort() else { throw RawHTTP.Failure(description: "did not start: \(edge.out) \(edge.err)") }
        try body(port)
        #expect(edge.stop() == 0)
        return edge.out
    }

    @Test func oneJSONLinePerRequestWithTheVocabulary() throws {
        let trace = "4bf92f3577b34da6a3ce929d0e0e4736"
        let log = try Self.serve { port in
            _ = try RawHTTP.request(port: port, "GET", "/healthz", headers: ["traceparent": "00-\(trace)-00f067aa0ba902b7-01", "x-request-id": "req-1"])
            _ = try RawHTTP.request(port: port, "GET", "/healthz", headers: ["traceparent": "00-\(trace.uppercased())-00f067aa0ba902b7-01", "x-request-id": "req-2"])
            _ = try RawHTTP.request(port: port, "GET", "/healthz", headers: ["traceparent": "00-00000000000000000000000000000000-00f067aa0ba902b7-01", "x-request-id": "req-3"])
            _ = try RawHTTP.request(port: port, "GET", "/nope", headers: ["x-request-id": "req-4"])
        }
        let lines = Self.requestLines(log)
        #expect(lines.count == 4, "\(log)")
        for line in lines {
            for field in ["ts", "level", "requestId", "route", "status", "durationMs", "method", "path"] { #expect(line[field] != nil, "\(field) in \(line)") }
            #expect(line["durationMs"] is Double || line["durationMs"] is Int)
        }
        let byId = Dictionary(lines.map { ($0["requestId"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byId["req-1"]?["traceId"] as? String == trace)
        #expect(byId["req-1"]?["route"] as? String == "/healthz" && byId["req-1"]?["status"] as? Int == 200)
        #expect(byId["req-2"]?["traceId"] == nil, "uppercase hex is not a valid traceparent")
        #expect(byId["req-3"]?["traceId"] == nil, "an all-zero trace id is invalid")
        #expect(byId["req-4"]?["status"] as? Int == 404 && byId["req-4"]?["route"] is NSNull)
    }

    /// A handler's own lines (`context.logger`) carry the same `requestId` and `app` as the request's line.
    @Test func handlerLinesJoinTheRequestLine() throws {
        let log = try Self.serve { port in
            _ = try RawHTTP.request(port: port, "GET", "/v1/conversations", headers: ["x-request-id": "chat-1"])
        }
        let lines = log.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let mine = lines.filter { $0["requestId"] as? String == "chat-1" }
        #expect(mine.count >= 2, "\(log)")
        #expect(mine.allSatisfy { $0["app"] as? String == "chat" }, "\(mine)")
        #expect(mine.contains { $0["msg"] as? String == "request" } && mine.contains { $0["msg"] as? String != "request" })
    }

    @Test func levelsAreHonoured() throws {
        let quiet = try Self.serve(env: ["LOG_LEVEL": "warning"]) { port in
            _ = try RawHTTP.request(port: port, "GET", "/healthz")
        }
        #expect(Self.requestLines(quiet).isEmpty, "\(quiet)")
        let infoLines = quiet.split(separator: "\n").filter { $0.contains(#""level":"info""#) }
        #expect(infoLines.count == 1 && infoLines[0].contains(#""msg":"listening""#), "only the listening line, which tools wait for: \(quiet)")
        let off = try Self.serve(env: ["ACCESS_LOG": "off"]) { port in _ = try RawHTTP.request(port: port, "GET", "/healthz") }
        #expect(Self.requestLines(off).isEmpty && off.contains(#""msg":"listening""#))
    }

    @Test func prettyForHumans() throws {
        let dir = try TemporaryDirectory()
        let edge = try EdgeCLI.start(["serve", "--workers", "0", "--host", "127.0.0.1", "--port", "0", "--no-kv"], in: dir.path, env: ["LOG_FORMAT": "pretty"])
        defer { edge.stop(); edge.cleanup() }
        var port: Int? = nil
        for _ in 0..<400 where port == nil {
            if let r = edge.out.range(of: "url=http://127.0.0.1:") { port = Int(edge.out[r.upperBound...].prefix { $0.isNumber }) } else { usleep(50_000) }
        }
        guard let port else { Issue.record("no listening line: \(edge.out) \(edge.err)"); return }
        _ = try RawHTTP.request(port: port, "GET", "/healthz", headers: ["x-request-id": "pretty-1", "traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"])
        edge.stop()
        let line = edge.out.split(separator: "\n").first { $0.contains("id=pretty-1") }.map(String.init) ?? ""
        #expect(line.hasPrefix("GET /healthz 200 ") && line.contains("[/healthz]") && line.contains("trace=4bf92f3577b34da6a3ce929d0e0e4736"), "\(edge.out)")
        #expect(!edge.out.contains("{\""))
    }
}

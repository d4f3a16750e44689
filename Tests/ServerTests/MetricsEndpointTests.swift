import EdgeRuntime
import EdgeTesting
import Testing
@testable import Server

/// `GET /metrics` through the router: the exposition after a known load, the admin token, and the
/// traffic figures apps read (`Context.traffic`).
@Suite struct MetricsEndpointTests {
    static let routes = [
        RouteDescriptor("/ok", file: "Functions/(shop)/ok/Ok.swift", methods: [.get, .post]) { request, _ in
            let body = try await request.bytes()
            return .text("ok \(body.count)")
        },
        RouteDescriptor("/fail", file: "Functions/(shop)/fail/Fail.swift", methods: [.get]) { _, _ in
            throw HTTPError(.serviceUnavailable, code: "down", message: "down")
        },
        RouteDescriptor("/items/:id", file: "Functions/(shop)/items/[id]/Item.swift", methods: [.get]) { _, context in
            guard context.parameters["id"] != "missing" else { throw HTTPError(.notFound, code: "no_item", message: "no item") }
            return .text("item")
        },
        RouteDescriptor("/traffic", file: "Functions/(shop)/traffic/Traffic.swift", methods: [.get]) { _, context in
            guard let t = context.traffic?.summary(app: "shop", excluding: ["/traffic"]) else { return .text("none") }
            return .json(["requests": .number(Double(t.requests)), "serverErrors": .number(Double(t.serverErrors)),
                          "clientErrors": .number(Double(t.clientErrors)), "p95": .number(t.latencyQuantileMs(0.95) ?? -1)])
        },
    ]

    /// The exposition's samples: `name{labels}` to value, labels as rendered.
    static func samples(_ text: String) -> [String: Double] {
        var out: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            out[String(line[..<space])] = Double(line[line.index(after: space)...])
        }
        return out
    }

    @Test func countsAreExactAfterAKnownLoad() async throws {
        let app = try TestApp(Self.routes, env: ["EDGE_ADMIN_TOKEN": "secret"])
        for _ in 0..<7 { #expect(await app.send(.get, "/ok").status == 200) }
        for _ in 0..<3 { #expect(await app.send(.post, "/ok", body: Array("12345".utf8)).status == 200) }
        for _ in 0..<4 { #expect(await app.send(.get, "/fail").status == 503) }
        for _ in 0..<2 { #expect(await app.send(.get, "/items/missing").status == 404) }
        #expect(await app.send(.get, "/items/a").status == 200)
        #expect(await app.send(.delete, "/items/a").status == 405)
        #expect(await app.send(.get, "/nowhere").status == 404)

        let r = await app.send(.get, "/metrics", headers: [.authorization: "Bearer secret"])
        #expect(r.status == 200)
        #expect(r.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
        let s = Self.samples(r.text)
        #expect(s[#"edge_http_requests_total{route="/ok",status="2xx"}"#] == 10)
        #expect(s[#"edge_http_requests_total{route="/ok",status="5xx"}"#] == 0)
        #expect(s[#"edge_http_requests_total{route="/fail",status="5xx"}"#] == 4)
        #expect(s[#"edge_http_requests_total{route="/items/:id",status="4xx"}"#] == 3, "404 and 405 of a matched route")
        #expect(s[#"edge_http_requests_total{route="/items/:id",status="2xx"}"#] == 1)
        #expect(s[#"edge_http_requests_total{route="(unmatched)",status="4xx"}"#] == 1)
        #expect(s[#"edge_http_request_bytes_total{route="/ok"}"#] == 15)
        #expect(s[#"edge_http_response_bytes_total{route="/ok"}"#] == Double(7 * "ok 0".utf8.count + 3 * "ok 5".utf8.count))
        #expect(s[#"edge_http_request_duration_seconds_count{route="/ok"}"#] == 10)
        #expect(s[#"edge_http_request_duration_seconds_bucket{route="/ok",le="+Inf"}"#] == 10)
        #expect(s[#"edge_http_requests_in_flight{route="/ok"}"#] == 0)
        #expect(s[#"edge_http_requests_total{route="/traffic",status="2xx"}"#] == nil, "a route without requests is not listed")
        #expect(s["edge_worker_restarts_total"] == 0 && s[#"edge_kv_operations_total{op="commit"}"#] == 0)
        // Buckets are cumulative and end at the count.
        let buckets = MetricsEndpointTestsSupport.bounds.map { s["edge_http_request_duration_seconds_bucket{route=\"/ok\",le=\"\($0)\"}"] ?? -1 }
        #expect(buckets == buckets.sorted() && buckets.allSatisfy { $0 >= 0 && $0 <= 10 })

        // The scrape itself counts under (runtime) once answered.
        let again = Self.samples(await app.send(.get, "/metrics", headers: [.authorization: "Bearer secret"]).text)
        #expect(again[#"edge_http_requests_total{route="(runtime)",status="2xx"}"#] == 1)
        #expect(again[#"edge_http_requests_total{route="/ok",status="2xx"}"#] == 10)
    }

    @Test func theAdminTokenGuardsIt() async throws {
        let guarded = try TestApp(Self.routes, env: ["EDGE_ADMIN_TOKEN": "secret"])
        let none = await guarded.send(.get, "/metrics")
        #expect(none.status == 401 && none.json?["code"] == "unauthorized")
        #expect(await guarded.send(.get, "/metrics", headers: [.authorization: "Bearer nope"]).status == 401)
        #expect(await guarded.send(.get, "/metrics", headers: [HTTPField.Name("x-admin-token")!: "secret"]).status == 200)
        for method in [HTTPRequest.Method.post, .put, .delete, HTTPRequest.Method("TRACE")!] {  // schemathesis found TRACE -> 404
            let other = await guarded.send(method, "/metrics", headers: [.authorization: "Bearer secret"])
            #expect(other.status == 405 && other.headers[.allow] == "GET, HEAD" && other.json?["code"] == "method_not_allowed", "\(method)")
        }
        let unset = try TestApp(Self.routes)
        let r = await unset.send(.get, "/metrics", headers: [.authorization: "Bearer anything"])
        #expect(r.status == 403 && r.json?["code"] == "admin_disabled")
        #expect(!r.text.contains("edge_http_requests_total"))
    }

    @Test func appsReadTheirOwnTraffic() async throws {
        let app = try TestApp(Self.routes)
        let before = await app.send(.get, "/traffic").json
        #expect(before?["requests"] == 0 && before?["p95"] == -1)
        for _ in 0..<6 { _ = await app.send(.get, "/ok") }
        for _ in 0..<2 { _ = await app.send(.get, "/fail") }
        _ = await app.send(.get, "/items/missing")
        _ = await app.send(.get, "/nowhere")  // no app's route
        let after = await app.send(.get, "/traffic").json
        #expect(after?["requests"] == 9 && after?["serverErrors"] == 2 && after?["clientErrors"] == 1)
        #expect((after?["p95"]?.doubleValue ?? 0) > 0)
    }
}

enum MetricsEndpointTestsSupport {
    static let bounds: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
}

/// Renders a ``MetricsTable`` in the Prometheus text exposition format 0.0.4, every region summed.
///
/// Request figures per route (`route` is the route's pattern; `(unmatched)` for requests no route took,
/// `(runtime)` for `/__edge/*` and `/metrics`): `edge_http_requests_total{route,status="1xx"…"5xx"}`,
/// `edge_http_request_duration_seconds` (histogram), `edge_http_requests_in_flight`,
/// `edge_http_request_bytes_total` and `edge_http_response_bytes_total` (body bytes). A route appears once
/// it has seen a request. Then the ``MetricsCatalogue`` figures, all of them, zeros included.
public enum MetricsExposition {
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public static func render(_ table: MetricsTable, routes: [(block: Int, route: String)]) -> String {
        var out = ""
        out.reserveCapacity(8192)
        let seen = routes.map { (label: escape($0.route), snapshot: table.routeSnapshot(block: $0.block)) }
            .filter { $0.snapshot.requests > 0 || $0.snapshot.inFlight != 0 }
        family(&out, "edge_http_requests_total", "counter", "HTTP requests answered, by route and status class.")
        for r in seen {
            for (i, n) in r.snapshot.statusClasses.enumerated() {
                out += "edge_http_requests_total{route=\"\(r.label)\",status=\"\(i + 1)xx\"} \(n)\n"
            }
        }
        family(&out, "edge_http_request_duration_seconds", "histogram", "Time from the request head to the response's last write.")
        for r in seen {
            histogram(&out, "edge_http_request_duration_seconds", labels: "route=\"\(r.label)\"", bounds: MetricsLayout.latencyBounds,
                      buckets: r.snapshot.latencyBuckets, sum: Double(r.snapshot.latencySumNanos) / 1e9)
        }
        family(&out, "edge_http_requests_in_flight", "gauge", "Requests being answered now.")
        for r in seen { out += "edge_http_requests_in_flight{route=\"\(r.label)\"} \(max(r.snapshot.inFlight, 0))\n" }
        family(&out, "edge_http_request_bytes_total", "counter", "Request body bytes read.")
        for r in seen { out += "edge_http_request_bytes_total{route=\"\(r.label)\"} \(r.snapshot.bytesIn)\n" }
        family(&out, "edge_http_response_bytes_total", "counter", "Response body bytes written.")
        for r in seen { out += "edge_http_response_bytes_total{route=\"\(r.label)\"} \(r.snapshot.bytesOut)\n" }

        var named: Set<String> = []
        for e in MetricsCatalogue.entries {
            let labels = e.labels.map { "\($0.0)=\"\(escape($0.1))\"" }.joined(separator: ",")
            switch e.kind {
            case .counter, .gauge:
                if named.insert(e.name).inserted { family(&out, e.name, e.kind.isCounter ? "counter" : "gauge", e.help) }
                let value = e.kind.isCounter ? table.sum(e.offset) : table.maximum(e.offset)
                out += labels.isEmpty ? "\(e.name) \(value)\n" : "\(e.name){\(labels)} \(value)\n"
            case .histogram(let bounds, let units):
                if named.insert(e.name).inserted { family(&out, e.name, "histogram", e.help) }
                let buckets = (0...bounds.count).map { table.sum(e.offset + 1 + $0) }
                histogram(&out, e.name, labels: labels, bounds: bounds, buckets: buckets, sum: Double(table.sum(e.offset)) / units)
            }
        }
        return out
    }

    private static func family(_ out: inout String, _ name: String, _ type: String, _ help: String) {
        out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }

    /// Cumulative `_bucket` lines, `_sum`, `_count`.
    private static func histogram(_ out: inout String, _ name: String, labels: String, bounds: [Double], buckets: [UInt64], sum: Double) {
        let sep = labels.isEmpty ? "" : ","
        var running: UInt64 = 0
        for (i, bound) in bounds.enumerated() {
            running &+= i < buckets.count ? buckets[i] : 0
            out += "\(name)_bucket{\(labels)\(sep)le=\"\(bound)\"} \(running)\n"
        }
        running &+= bounds.count < buckets.count ? buckets[bounds.count] : 0
        out += "\(name)_bucket{\(labels)\(sep)le=\"+Inf\"} \(running)\n"
        let braces = labels.isEmpty ? "" : "{\(labels)}"
        out += "\(name)_sum\(braces) \(sum)\n\(name)_count\(braces) \(running)\n"
    }

    /// A label value as the format wants it: backslash, double quote and line feed escaped.
    static func escape(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == 0x5C || $0 == 0x22 || $0 == 0x0A }) else { return s }
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}

extension MetricsCatalogue.Kind {
    var isCounter: Bool { if case .counter = self { true } else { false } }
}

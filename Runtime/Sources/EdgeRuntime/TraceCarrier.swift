import Tracing

/// Header fields a tracer writes for a context (`traceparent`, `tracestate`...): what goes on a fetch, and
/// where the request span's own `traceparent` is read back from for the access log.
package struct TraceCarrier: Sendable {
    package var fields: [(name: String, value: String)] = []

    package init() {}

    /// The `traceparent` the tracer wrote, parsed (nil if it wrote none, or an invalid one).
    package var traceParent: TraceParent? {
        TraceParent(fields.first { $0.name == TraceParent.headerName }?.value)
    }

    /// Appends each field the tracer injects (names lowercased, as HTTP/2 and `FetchHeaders` want them).
    package struct Writer: Injector, Sendable {
        package init() {}
        package func inject(_ value: String, forKey key: String, into carrier: inout TraceCarrier) {
            carrier.fields.append((name: key.lowercased(), value: value))
        }
    }
}

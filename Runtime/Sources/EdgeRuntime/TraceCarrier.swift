import Tracing

/// Header fields a tracer writes for a context (`traceparent`, `tracestate`...): what goes on a fetch.
package struct TraceCarrier: Sendable {
    package var fields: [(name: String, value: String)] = []

    package init() {}

    /// Appends each field the tracer injects (names lowercased, as HTTP/2 and `FetchHeaders` want them).
    package struct Writer: Injector, Sendable {
        package init() {}
        package func inject(_ value: String, forKey key: String, into carrier: inout TraceCarrier) {
            carrier.fields.append((name: key.lowercased(), value: value))
        }
    }
}

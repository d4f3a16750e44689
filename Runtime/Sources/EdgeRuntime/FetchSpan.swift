import Fetch
import Tracing

/// `Context.fetch` as a client span of the request's trace (tracing on only, see ``Context/fetch(_:)-(FetchRequest)``).
///
/// The span is named `fetch <METHOD>`, starts before the transfer and ends when the response head is in
/// (a streamed body is the handler's to read; its time is in the request span). Attributes follow
/// OpenTelemetry's HTTP client conventions: `http.request.method`, `server.address` (the URL's host, never
/// its path or query, which may hold secrets), `http.response.status_code`; a status of 500 or more or a
/// transport error sets the span's status to error (the error recorded, its description only).
enum FetchSpan {
    static func fetch(_ request: FetchRequest, client: HTTPClient, parent: InstrumentationContext) async throws(FetchError) -> FetchResponse {
        let tracer = InstrumentationSystem.tracer
        let span = tracer.startSpan("fetch \(request.method)", context: parent, ofKind: .client)
        span.attributes["http.request.method"] = request.method
        if let host = host(of: request.url) { span.attributes["server.address"] = host }
        var request = request
        var carrier = TraceCarrier()
        tracer.inject(span.context, into: &carrier, using: TraceCarrier.Writer())
        for (name, value) in carrier.fields { request.headers.append(name: name, value: value) }
        do {
            let response = try await client.fetch(request)
            span.attributes["http.response.status_code"] = response.status
            if response.status >= 500 { span.setStatus(SpanStatus(code: .error)) }
            span.end()
            return response
        } catch {
            span.recordError(error)
            span.setStatus(SpanStatus(code: .error, message: error.description))
            span.end()
            throw error
        }
    }

    /// The host of an absolute `scheme://[userinfo@]host[:port]/...` URL, without userinfo or port.
    static func host(of url: String) -> String? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        var rest = url[schemeEnd.upperBound...]
        if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            return String(rest[...close])
        }
        if let colon = rest.firstIndex(of: ":") { rest = rest[..<colon] }
        return rest.isEmpty ? nil : String(rest)
    }
}

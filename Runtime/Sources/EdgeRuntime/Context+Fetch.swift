public import Fetch
import EdgeTrace
import Tracing

/// The process's HTTP client in ``Services``.
package enum FetchServiceKey: ServiceKey {
    public typealias Value = HTTPClient
}

extension Context {
    /// Outbound HTTP on libcurl: streaming bodies, back-pressure, cancellation with the handler's task
    /// (a client that goes away aborts the upstream transfer).
    ///
    /// Trace context goes along unless the handler set its own `traceparent`:
    /// - tracing on (the request runs in a span, ``FetchSpan``): the call is a client span, child of the
    ///   request's, and the upstream gets `traceparent` with the request's trace id and that span's id;
    /// - tracing on and the request not sampled by the root sampler (``UnsampledTrace``): the upstream gets
    ///   that trace's `traceparent` (flags `00`), and no span is made;
    /// - tracing off and the request carried a valid `traceparent`: the upstream gets the same trace id and
    ///   flags with a new parent id (``TraceParent/child()``), so the trace still joins up downstream;
    /// - otherwise nothing is added, and nothing is allocated for tracing.
    public func fetch(_ request: FetchRequest) async throws(FetchError) -> FetchResponse {
        let client = services[FetchServiceKey.self] ?? HTTPClient.shared
        if request.headers[TraceParent.headerName] == nil {
            if let parent = InstrumentationContext.current {
                return try await FetchSpan.fetch(request, client: client, parent: parent)
            }
            if let unsampled = UnsampledTrace.current {
                var request = request
                request.headers.append(name: TraceParent.headerName, value: unsampled.traceParent)
                return try await client.fetch(request)
            }
            if let incoming = TraceParent(requestHeaders[Self.traceparentField]) {
                var request = request
                request.headers.append(name: TraceParent.headerName, value: incoming.child())
                return try await client.fetch(request)
            }
        }
        return try await client.fetch(request)
    }

    private static let traceparentField = HTTPField.Name(TraceParent.headerName)!

    /// `GET url`.
    public func fetch(_ url: String, headers: FetchHeaders = [:]) async throws(FetchError) -> FetchResponse {
        try await fetch(FetchRequest(url: url, headers: headers))
    }
}

/// Upstream failures a handler does not catch: 502 `upstream_error`, 504 `upstream_timeout`.
extension FetchError: HTTPErrorConvertible {
    public var httpError: HTTPError {
        HTTPError(HTTPResponse.Status(code: httpStatus), code: envelopeCode, message: description)
    }
}

extension Response {
    /// Passes an upstream response through unchanged (status, headers, body streamed as it arrives).
    /// SSE passthrough is `return .proxy(try await context.fetch(request))`. Hop-by-hop headers are dropped
    /// (``FetchResponse/forwardableHeaders``), and so is `content-length`: this server frames the body itself.
    public static func proxy(_ upstream: FetchResponse, headers extra: HTTPFields = [:]) -> Response {
        var forwarded = upstream.forwardableHeaders
        forwarded.remove("content-length")
        var h = HTTPFields()
        for field in forwarded.fields {
            if let name = HTTPField.Name(field.name) { h.append(HTTPField(name: name, value: field.value)) }
        }
        for f in extra { h[f.name] = f.value }
        return Response(status: HTTPResponse.Status(code: upstream.status), headers: h, body: .stream(ByteStream(upstream.body)))
    }
}

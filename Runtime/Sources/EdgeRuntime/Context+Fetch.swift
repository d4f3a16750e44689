public import Fetch

/// The process's HTTP client in ``Services``.
package enum FetchServiceKey: ServiceKey {
    public typealias Value = HTTPClient
}

extension Context {
    /// Outbound HTTP on libcurl: streaming bodies, back-pressure, cancellation with the handler's task
    /// (a client that goes away aborts the upstream transfer).
    public func fetch(_ request: FetchRequest) async throws(FetchError) -> FetchResponse {
        try await (services[FetchServiceKey.self] ?? HTTPClient.shared).fetch(request)
    }

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

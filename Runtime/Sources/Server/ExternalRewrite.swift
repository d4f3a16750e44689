import EdgeRuntime
import Fetch

/// A rewrite to another origin (vercel.json's external rewrite: `"destination": "https://api.example.com/:path*"`):
/// the request is proxied there and the upstream's answer streamed back as it arrives.
///
/// - Sent upstream: the method, the request's header fields except hop-by-hop ones (`connection` and the
///   fields it names, `keep-alive`, `te`, `trailer`, `transfer-encoding`, `upgrade`, `proxy-*`), `host`
///   (the destination's), `content-length` and `expect` (the client sets them for its own body); plus
///   `x-forwarded-host` (the request's host), `x-forwarded-proto`, `x-forwarded-for` (the incoming list with
///   the TCP peer appended) and `x-request-id`. The body streams through, up to
///   ``EdgeLimits/defaultMaxRequestBodySize`` (a larger declared length is 413 before anything is sent).
/// - Returned: the upstream's status, header fields (hop-by-hop ones dropped, the body framed by this
///   server) and body, unchanged; redirects are passed to the client, not followed.
/// - Failures: an unreachable or failing upstream is 502 `upstream_error`; one that sends no response
///   head within ``EdgeLimits/externalRewriteFirstByteTimeout`` is 504 `upstream_timeout` (``FetchError``),
///   in the error envelope.
enum ExternalRewrite {
    /// Whether a rewrite destination names another origin.
    static func isExternal(_ destination: String) -> Bool {
        destination.hasPrefix("https://") || destination.hasPrefix("http://")
    }

    /// Why an external destination cannot be used as written, or nil.
    static func problem(destination: String) -> String? {
        let rest = destination.drop(while: { $0 != ":" }).dropFirst(3)
        let authority = rest.prefix(while: { $0 != "/" && $0 != "?" })
        if authority.isEmpty { return "an external destination needs a host (https://host/...)" }
        if destination.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "#") }) {
            return "an external destination may not contain spaces, control characters or a fragment"
        }
        return nil
    }

    /// Request fields not sent upstream: hop-by-hop ones, and those the client sets for its own request.
    private static let hopByHop = Set(FetchHeaders.hopByHopNames + ["host", "content-length", "expect"])

    /// Proxies `request` to `url` with `client`.
    static func forward(_ request: consuming Request, to url: String, client: HTTPClient, requestId: String, peer: String?,
                        firstByteTimeout: Duration = EdgeLimits.externalRewriteFirstByteTimeout) async -> Response {
        var request = request
        request.body.limit = EdgeLimits.defaultMaxRequestBodySize  // the server's body source enforces it too
        if let declared = request.body.declaredLength, declared > request.body.limit {
            var r = HTTPError(.contentTooLarge, code: "payload_too_large", message: "Request body of \(declared) bytes exceeds the limit of \(request.body.limit) bytes").response(requestId: requestId)
            r.headers[.connection] = "close"
            return r
        }
        var dropped = hopByHop
        for value in request.headers[values: .connection] {
            for token in value.split(separator: ",") { dropped.insert(String(token).trimmingSpaces.lowercased()) }
        }
        var headers = FetchHeaders()
        var forwardedFor: String?
        for field in request.headers {
            let name = field.name.canonicalName
            if dropped.contains(name) || name == "x-forwarded-host" || name == "x-forwarded-proto" || name == "x-request-id" { continue }
            if name == "x-forwarded-for" {
                forwardedFor = forwardedFor.map { $0 + ", " + field.value } ?? field.value
                continue
            }
            headers.append(name: name, value: field.value)
        }
        if let peer { forwardedFor = forwardedFor.map { $0 + ", " + peer } ?? peer }
        if let forwardedFor { headers.append(name: "x-forwarded-for", value: forwardedFor) }
        if let host = request.host { headers.append(name: "x-forwarded-host", value: host) }
        headers.append(name: "x-forwarded-proto", value: "http")
        headers.append(name: "x-request-id", value: requestId)

        let hasBody = request.body.declaredLength.map { $0 > 0 } ?? (request.headers[.transferEncoding] != nil)
        let body: FetchRequest.Body = hasBody ? .stream(request.body.stream, length: request.body.declaredLength) : .none
        let fetch = FetchRequest(url: url, method: request.method.rawValue, headers: headers, body: body,
                                 timeouts: FetchTimeouts(firstByte: firstByteTimeout), redirect: .manual)
        do throws(FetchError) {
            return .proxy(try await client.fetch(fetch))
        } catch {
            return error.httpError.response(requestId: requestId)
        }
    }
}

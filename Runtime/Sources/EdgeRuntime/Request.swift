/// An incoming HTTP request, as a handler sees it (Fetch-API-like).
public struct Request: Sendable {
    public var method: HTTPRequest.Method
    /// The path, percent-encoded as received, without the query (`/v1/prompts/42`).
    public var path: String
    /// The raw query string without `?`, if any.
    public var rawQuery: String?
    public var headers: HTTPFields
    /// The `Host` (HTTP/1.1) or `:authority` (HTTP/2) of the request, if sent.
    public var host: String?
    /// The client's IP address: the TCP peer, or the first `x-forwarded-for` hop when the runtime runs
    /// behind a proxy it trusts (`TRUST_PROXY=1`). Nil for in-process calls (cron, tests).
    public var clientAddress: String? {
        get {
            switch clientAddressSource {
            case .value(let v): return v
            case .deferred(let resolve): return resolve()
            }
        }
        set { clientAddressSource = .value(newValue) }
    }

    /// Where ``clientAddress`` comes from: the server defers formatting the peer address until a
    /// handler asks (most never do, and formatting it was a measurable part of a small request).
    package enum ClientAddressSource: Sendable {
        case value(String?)
        case deferred(@Sendable () -> String?)
    }
    package var clientAddressSource: ClientAddressSource = .value(nil)
    /// Route parameters (`[id]` folders); also on ``Context/parameters``.
    public var parameters: Parameters
    public var body: RequestBody

    public init(
        method: HTTPRequest.Method,
        path: String,
        rawQuery: String? = nil,
        headers: HTTPFields = [:],
        host: String? = nil,
        parameters: Parameters = Parameters(),
        body: RequestBody = RequestBody(bytes: [])
    ) {
        self.method = method
        self.path = path
        self.rawQuery = rawQuery
        self.headers = headers
        self.host = host
        self.parameters = parameters
        self.body = body
    }

    /// Path plus query, as on the request line.
    public var url: String { rawQuery.map { "\(path)?\($0)" } ?? path }

    /// Decoded query parameters.
    public var query: QueryParameters { QueryParameters(rawQuery ?? "") }

    /// Cookies from the `Cookie` header.
    public var cookies: Cookies { Cookies(header: headers[values: .cookie].joined(separator: "; ")) }

    /// The body decoded as JSON into `T`; 400 `invalid_json` when malformed, 413 past the limit.
    public func json<T: Decodable>(as type: T.Type = T.self) async throws -> T {
        try JSON.decode(T.self, from: try await body.bytes())
    }

    /// The body as UTF-8 text.
    public func text() async throws -> String { String(decoding: try await body.bytes(), as: UTF8.self) }

    /// The body as bytes.
    public func bytes() async throws -> [UInt8] { try await body.bytes() }
}

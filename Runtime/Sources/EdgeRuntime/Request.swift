/// An incoming HTTP request, as a handler sees it (Fetch-API-like).
public struct Request: Sendable {
    public var method: HTTPRequest.Method {
        get { storage.method }
        _modify { yield &uniqueStorage().method }
    }
    /// The path, percent-encoded as received, without the query (`/v1/prompts/42`).
    public var path: String {
        get { storage.path }
        _modify { yield &uniqueStorage().path }
    }
    /// The raw query string without `?`, if any.
    public var rawQuery: String? {
        get { storage.rawQuery }
        _modify { yield &uniqueStorage().rawQuery }
    }
    public var headers: HTTPFields {
        get { storage.headers }
        _modify { yield &uniqueStorage().headers }
    }
    /// The `Host` (HTTP/1.1) or `:authority` (HTTP/2) of the request, if sent.
    public var host: String? {
        get { storage.host }
        _modify { yield &uniqueStorage().host }
    }
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
    package var clientAddressSource: ClientAddressSource {
        get { storage.clientAddressSource }
        _modify { yield &uniqueStorage().clientAddressSource }
    }
    /// Route parameters (`[id]` folders); also on ``Context/parameters``.
    public var parameters: Parameters {
        get { storage.parameters }
        _modify { yield &uniqueStorage().parameters }
    }
    public var body: RequestBody {
        get { storage.body }
        _modify { yield &uniqueStorage().body }
    }

    public init(
        method: HTTPRequest.Method,
        path: String,
        rawQuery: String? = nil,
        headers: HTTPFields = [:],
        host: String? = nil,
        parameters: Parameters = Parameters(),
        body: RequestBody = RequestBody(bytes: [])
    ) {
        storage = Storage(
            method: method, path: path, rawQuery: rawQuery, headers: headers, host: host,
            clientAddressSource: .value(nil), parameters: parameters, body: body
        )
    }

    /// The members, shared by copies until one is changed (copy on write). A request is copied several
    /// times on its way to a handler (into the handler's task, the context, the deadline's closure);
    /// sharing makes each copy one retain instead of one per member (~25 reference counts).
    private var storage: Storage

    private mutating func uniqueStorage() -> Storage {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return storage
    }

    /// Mutated only while uniquely referenced (``uniqueStorage()``), as a copy-on-write buffer is: no
    /// two requests ever write one storage.
    private final class Storage: @unchecked Sendable {
        var method: HTTPRequest.Method
        var path: String
        var rawQuery: String?
        var headers: HTTPFields
        var host: String?
        var clientAddressSource: ClientAddressSource
        var parameters: Parameters
        var body: RequestBody

        init(
            method: HTTPRequest.Method, path: String, rawQuery: String?, headers: HTTPFields, host: String?,
            clientAddressSource: ClientAddressSource, parameters: Parameters, body: RequestBody
        ) {
            self.method = method
            self.path = path
            self.rawQuery = rawQuery
            self.headers = headers
            self.host = host
            self.clientAddressSource = clientAddressSource
            self.parameters = parameters
            self.body = body
        }

        func copy() -> Storage {
            Storage(
                method: method, path: path, rawQuery: rawQuery, headers: headers, host: host,
                clientAddressSource: clientAddressSource, parameters: parameters, body: body
            )
        }
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

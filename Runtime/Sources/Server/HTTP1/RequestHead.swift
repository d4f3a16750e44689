import HTTPTypes

/// A request head as the server's HTTP/1 path uses it: the members of swift-http-types' `HTTPRequest`
/// it reads, without that type's pseudo-header storage (an allocation and four validated fields per
/// request, ~1,600 instructions).
struct RequestHead: Sendable {
    var method: HTTPRequest.Method
    /// The request target: path and query as received for an origin-form target.
    var path: String
    /// The first `Host` field's value.
    var authority: String?
    /// The fields, the first `Host` taken out.
    var headerFields: HTTPFields

    init(method: HTTPRequest.Method, path: String, authority: String?, headerFields: HTTPFields) {
        self.method = method
        self.path = path
        self.authority = authority
        self.headerFields = headerFields
    }

    /// The members of a library `HTTPRequest`.
    init(_ request: HTTPRequest) {
        self.init(method: request.method, path: request.path ?? "/", authority: request.authority, headerFields: request.headerFields)
    }
}

/// A CORS policy an app declares for its own routes (``AppPolicy/cors``; per app, never one global answer).
/// Never `*` with credentials: `.any` echoes the origin then.
///
/// - `.any` answers `Access-Control-Allow-Origin: *` (or echoes the origin when credentials are allowed,
///   since browsers reject `*` with credentials).
/// - `.list` echoes the request `Origin` only when listed, and always adds `Vary: Origin`.
public struct CORS: Sendable {
    public enum Origins: Sendable, Equatable {
        case any
        case list([String])

        /// Parses `*` or a comma-separated list (blank entries ignored); empty means `*`.
        public init(parsing text: String?) {
            let items = (text ?? "").split(separator: ",").map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
            if items.isEmpty || items.contains("*") { self = .any } else { self = .list(items) }
        }
    }

    public var origins: Origins
    public var allowMethods: String
    public var allowHeaders: String
    public var exposeHeaders: String?
    public var maxAge: Int?
    public var allowCredentials: Bool

    public init(origins: Origins, allowMethods: String, allowHeaders: String, exposeHeaders: String? = nil, maxAge: Int? = nil, allowCredentials: Bool = false) {
        self.origins = origins
        self.allowMethods = allowMethods
        self.allowHeaders = allowHeaders
        self.exposeHeaders = exposeHeaders
        self.maxAge = maxAge
        self.allowCredentials = allowCredentials
    }

    /// Adds the CORS headers for a request from `origin` (its `Origin` header) to `response`.
    public func apply(to response: inout Response, origin: String?) {
        switch origins {
        case .any:
            if allowCredentials, let origin {
                response.headers[.accessControlAllowOrigin] = origin
                response.headers[.vary] = "Origin"
            } else {
                response.headers[.accessControlAllowOrigin] = "*"
            }
        case .list(let list):
            if let origin, list.contains(origin) { response.headers[.accessControlAllowOrigin] = origin }
            response.headers[.vary] = "Origin"
        }
        response.headers[.accessControlAllowMethods] = allowMethods
        response.headers[.accessControlAllowHeaders] = allowHeaders
        if let exposeHeaders { response.headers[.accessControlExposeHeaders] = exposeHeaders }
        if let maxAge { response.headers[.accessControlMaxAge] = String(maxAge) }
        if allowCredentials { response.headers[.accessControlAllowCredentials] = "true" }
    }

    /// The answer to a preflight from `origin`: `status`, empty, with the CORS headers.
    public func preflight(origin: String?, status: HTTPResponse.Status) -> Response {
        var r = Response.empty(status)
        apply(to: &r, origin: origin)
        return r
    }
}

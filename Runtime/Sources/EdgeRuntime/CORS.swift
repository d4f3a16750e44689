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
    public var allowMethods: String { didSet { fixedFields = makeFixedFields() } }
    public var allowHeaders: String { didSet { fixedFields = makeFixedFields() } }
    public var exposeHeaders: String? { didSet { fixedFields = makeFixedFields() } }
    public var maxAge: Int? { didSet { fixedFields = makeFixedFields() } }
    public var allowCredentials: Bool { didSet { fixedFields = makeFixedFields() } }
    /// The fields that do not depend on the request, built (and their values checked) once, not per
    /// response: every answer of an app with a policy carries them.
    private var fixedFields: [HTTPField] = []

    public init(origins: Origins, allowMethods: String, allowHeaders: String, exposeHeaders: String? = nil, maxAge: Int? = nil, allowCredentials: Bool = false) {
        self.origins = origins
        self.allowMethods = allowMethods
        self.allowHeaders = allowHeaders
        self.exposeHeaders = exposeHeaders
        self.maxAge = maxAge
        self.allowCredentials = allowCredentials
        fixedFields = makeFixedFields()
    }

    private func makeFixedFields() -> [HTTPField] {
        var fields = [HTTPField(name: .accessControlAllowMethods, value: allowMethods),
                      HTTPField(name: .accessControlAllowHeaders, value: allowHeaders)]
        if let exposeHeaders { fields.append(HTTPField(name: .accessControlExposeHeaders, value: exposeHeaders)) }
        if let maxAge { fields.append(HTTPField(name: .accessControlMaxAge, value: String(maxAge))) }
        if allowCredentials { fields.append(HTTPField(name: .accessControlAllowCredentials, value: "true")) }
        return fields
    }

    private static let anyOrigin = HTTPField(name: .accessControlAllowOrigin, value: "*")
    private static let varyOrigin = HTTPField(name: .vary, value: "Origin")

    /// Adds the CORS headers for a request from `origin` (its `Origin` header) to `response`.
    public func apply(to response: inout Response, origin: String?) {
        let handlerSetSome = response.headers.contains(where: { Self.isCORSName($0.name) })
        response.headers.reserveCapacity(response.headers.count + fixedFields.count + 2)
        switch origins {
        case .any:
            if allowCredentials, let origin {
                response.headers[.accessControlAllowOrigin] = origin
                response.headers.set(Self.varyOrigin)
            } else {
                response.headers.set(Self.anyOrigin)
            }
        case .list(let list):
            if let origin, list.contains(origin) { response.headers[.accessControlAllowOrigin] = origin }
            response.headers.set(Self.varyOrigin)
        }
        if handlerSetSome {
            for field in fixedFields { response.headers.set(field) }
        } else {
            response.headers.append(contentsOf: fixedFields)  // none to replace: one pass, no lookups
        }
    }

    /// `access-control-*`: the names of the fixed fields (a handler may have set one itself).
    private static func isCORSName(_ name: HTTPField.Name) -> Bool {
        name.canonicalName.utf8.starts(with: "access-control-".utf8)
    }

    /// The answer to a preflight from `origin`: `status`, empty, with the CORS headers.
    public func preflight(origin: String?, status: HTTPResponse.Status) -> Response {
        var r = Response.empty(status)
        apply(to: &r, origin: origin)
        return r
    }
}

/// One mounted function, as the generated route table lists it.
public struct RouteDescriptor: Sendable {
    /// The route pattern in `:param` form, e.g. `/api/sessions/:sessionId`, `/docs/:path*` (catch-all),
    /// `/shop/:slug*?` (optional catch-all).
    public let pattern: String
    /// The handler file relative to the project root, e.g. `Functions/(director)/api/health/Health.swift`.
    public let file: String
    public let methods: HTTPMethods
    public let auth: RouteAuth
    public let makeHandler: @Sendable () -> any EdgeFunction

    public init<F: EdgeFunction>(_ pattern: String, file: String, _ type: F.Type) {
        self.pattern = pattern
        self.file = file
        self.methods = F.methods
        self.auth = F.auth
        self.makeHandler = { F() }
    }

    /// A route served by a closure instead of a handler type (test servers, fake upstreams).
    package init(_ pattern: String, file: String, methods: HTTPMethods = .all, auth: RouteAuth = .appDefault,
                 handle: @escaping @Sendable (Request, Context) async throws -> Response) {
        self.pattern = pattern
        self.file = file
        self.methods = methods
        self.auth = auth
        self.makeHandler = { ClosureFunction(handle) }
    }

    /// The route group `(name)` the file sits in (its app), if any.
    public var app: String? {
        for part in file.split(separator: "/") where part.hasPrefix("(") && part.hasSuffix(")") {
            return String(part.dropFirst().dropLast())
        }
        return nil
    }
}

/// A handler whose behaviour is a closure (see ``RouteDescriptor/init(_:file:methods:auth:handle:)``).
struct ClosureFunction: EdgeFunction {
    let body: @Sendable (Request, Context) async throws -> Response

    init() { body = { _, _ in .empty(.notFound) } }
    init(_ body: @escaping @Sendable (Request, Context) async throws -> Response) { self.body = body }

    func handle(_ request: Request, context: Context) async throws -> Response {
        try await body(request, context)
    }
}

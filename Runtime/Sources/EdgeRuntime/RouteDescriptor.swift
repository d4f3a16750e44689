/// One mounted function, as the generated route table lists it.
public struct RouteDescriptor: Sendable {
    /// The route pattern in `:param` form, e.g. `/api/sessions/:sessionId`, `/docs/:path*` (catch-all),
    /// `/shop/:slug*?` (optional catch-all).
    public let pattern: String
    /// The handler file relative to the project root, e.g. `Functions/(director)/api/health/Health.swift`.
    public let file: String
    public let methods: HTTPMethods
    public let makeHandler: @Sendable () -> any EdgeFunction

    public init<F: EdgeFunction>(_ pattern: String, file: String, _ type: F.Type) {
        self.pattern = pattern
        self.file = file
        self.methods = F.methods
        self.makeHandler = { F() }
    }

    /// The route group `(name)` the file sits in (its app), if any.
    public var app: String? {
        for part in file.split(separator: "/") where part.hasPrefix("(") && part.hasSuffix(")") {
            return String(part.dropFirst().dropLast())
        }
        return nil
    }
}

/// What an app declares once for all of its routes (see ``EdgeApp``).
///
/// The runtime applies it in this order for each request of the app's routes:
/// 1. `OPTIONS` on a route that does not list `.options` is a preflight: ``preflightStatus``, empty,
///    with the CORS headers, before any credential is checked.
/// 2. The route's credential (``RouteAuth``; ``defaultCredential`` unless the route says otherwise).
/// 3. The handler. A thrown error, and every answer the runtime makes itself (405, 413, 504), is
///    rendered by ``errors``.
/// 4. On whatever response comes out: the headers the handler noted with
///    ``Context/setResponseHeader(_:_:)``, then the CORS headers.
/// 5. One access-log line carrying the app's name, ``logFields`` and the handler's
///    ``Context/logField(_:_:)`` values.
public struct AppPolicy: Sendable {
    /// CORS on every response of the app; nil for none (and then `OPTIONS` gets 204 with `Allow`).
    public var cors: CORS?
    /// The status of a preflight answer (204 by default; some clients were written against 200).
    public var preflightStatus: HTTPResponse.Status
    /// Named credentials a route may require (``RouteAuth``) or a handler may check at its own point
    /// (``Context/authorize(_:)``).
    public var credentials: [String: Credential]
    /// The credential every route requires unless it declares ``RouteAuth/none`` or another one.
    public var defaultCredential: String?
    /// How errors look on the wire.
    public var errors: ErrorShape
    /// Access-log fields taken from each request's head (never a secret: redact before returning).
    public var logFields: @Sendable (Request) -> [(String, String)]

    public init(
        cors: CORS? = nil,
        preflightStatus: HTTPResponse.Status = .noContent,
        credentials: [String: Credential] = [:],
        defaultCredential: String? = nil,
        errors: ErrorShape = .envelope,
        logFields: @escaping @Sendable (Request) -> [(String, String)] = { _ in [] }
    ) {
        self.cors = cors
        self.preflightStatus = preflightStatus
        self.credentials = credentials
        self.defaultCredential = defaultCredential
        self.errors = errors
        self.logFields = logFields
    }

    /// The policy of routes that belong to no declared app.
    public static let `default` = AppPolicy()

    /// The credential a route needs, or nil for none.
    public func credential(for auth: RouteAuth) -> Credential? {
        switch auth {
        case .none: return nil
        case .appDefault: return defaultCredential.map(credential(named:))
        case .credential(let name): return credential(named: name)
        }
    }

    /// The credential `name`; an undeclared name fails closed (``Credential/unknown(_:)``).
    public func credential(named name: String) -> Credential {
        credentials[name] ?? .unknown(name)
    }
}

/// An app: the policies one route group declares once, applied by the runtime to every response of
/// the group's routes (handler answers, thrown errors, 405, 413, 504 and preflights alike).
///
/// The declaration lives in `Functions/(group)/_app/<Type>.swift`, one file named after its type; the
/// route plugin discovers it like a route. Routes outside any group, and groups without a declaration,
/// get ``AppPolicy/default``: no CORS, no credentials, the §0.4 envelope.
///
/// ```swift
/// // Functions/(director)/_app/DirectorApp.swift
/// struct DirectorApp: EdgeApp {
///     func policy(_ env: Environment) -> AppPolicy {
///         AppPolicy(
///             cors: CORS(origins: .init(parsing: env["CORS_ORIGINS"]), allowMethods: "GET,PUT,DELETE,OPTIONS",
///                        allowHeaders: "Content-Type, X-Api-Key", maxAge: 86400),
///             credentials: ["apiKey": .header("x-api-key", equals: env["BACKEND_API_KEY"], whenUnset: .admitAll)],
///             defaultCredential: "apiKey"
///         )
///     }
/// }
/// ```
public protocol EdgeApp: Sendable {
    init()
    /// The app's policy, built once at start-up from the app's scoped environment (`APP__NAME`
    /// overrides `NAME`, see ``Environment/scoped(to:)``).
    func policy(_ env: Environment) -> AppPolicy
}

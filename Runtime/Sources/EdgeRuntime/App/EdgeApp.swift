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
    /// Work the app runs beside its routes for the life of each serving process: recovery at boot, a
    /// queue consumer (``AppContext/kv`` `listenQueue`). The runtime starts it once per process after the
    /// KV store opens and cancels it at shutdown; returning early ends it, a thrown error is logged.
    /// The default does nothing.
    ///
    /// - Important: one KV database has one queue. Every process that serves the app runs this, so a
    ///   message goes to whichever app's consumer leases it first: an app that enqueues must be the only
    ///   app consuming that database's queue, or tag its messages and hand back the ones it does not own.
    func run(_ context: AppContext) async throws
}

extension EdgeApp {
    public func run(_ context: AppContext) async throws {}
}

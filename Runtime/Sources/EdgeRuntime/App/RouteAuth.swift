/// Which of its app's credentials a route requires before its handler runs.
public enum RouteAuth: Sendable, Equatable {
    /// The app's ``AppPolicy/defaultCredential`` (nothing when the app has none).
    case appDefault
    /// No credential: public routes (health checks), or handlers that check one themselves at a later
    /// point with ``Context/authorize(_:)`` (e.g. after a rate limit).
    case none
    /// The app's credential of that name.
    case credential(String)
}

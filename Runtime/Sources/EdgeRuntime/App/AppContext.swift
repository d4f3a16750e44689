public import KV

/// What an app's background work (``EdgeApp/run(_:)``) gets: the app's scoped environment, the KV store
/// and a logger. There is no request, so no request id, deadline or response notes.
public struct AppContext: Sendable {
    /// The route group's name without parentheses (`jobs` for `(jobs)`).
    public let app: String
    /// The app's environment (`APP__NAME` overrides `NAME`).
    public let env: Environment
    /// A logger whose lines carry the app's name.
    public let logger: Logger
    package let services: Services

    package init(app: String, env: Environment, logger: Logger, services: Services) {
        self.app = app
        self.env = env
        var l = logger
        l[metadataKey: "app"] = .string(app)
        self.logger = l
        self.services = services
    }

    /// The deployment's KV database; 503 `storage_unavailable` when the store could not be opened.
    public var kv: Kv {
        get throws {
            guard let kv = services[KvServiceKey.self] else {
                throw HTTPError(.serviceUnavailable, code: "storage_unavailable", message: "The KV store is not available")
            }
            return kv
        }
    }
}

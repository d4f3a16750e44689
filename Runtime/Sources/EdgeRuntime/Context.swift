/// Everything a handler may use besides the request: environment, logger, route parameters,
/// background work, the deadline, and (from the KV and fetch modules) `kv` and `fetch`.
public struct Context: Sendable {
    /// The request id: the incoming `x-request-id` when sane, else a new UUID. Echoed on the response.
    public let requestId: String
    /// A logger whose every line carries `requestId`, and `app` for a function in an app: the access
    /// log's field names, so a request's lines join on them.
    ///
    /// Built on first use and kept for the request (four metadata writes cost ~5k instructions, and
    /// handlers read it once per log line); a context whose logger was replaced builds its own each time.
    public var logger: Logger {
        get {
            guard !loggerReplaced else { return decorated(baseLogger) }
            return notes.requestLogger.withLock { kept in
                if let kept { return kept }
                let l = decorated(baseLogger)
                kept = l
                return l
            }
        }
        set {
            baseLogger = newValue
            loggerReplaced = true
            baseCarriesApp = false
        }
    }
    private var baseLogger: Logger
    /// True once `logger` was set on this value: the request's kept logger is then not its logger.
    private var loggerReplaced = false
    /// The base logger already carries `app` (the server's, decorated once per route).
    private var baseCarriesApp = false

    private func decorated(_ base: Logger) -> Logger {
        var l = base
        l[metadataKey: "requestId"] = .string(requestId)
        if let app, !baseCarriesApp { l[metadataKey: "app"] = .string(app) }
        return l
    }
    /// The function's environment: the process environment overlaid with its app's settings.
    public let env: Environment
    /// Route parameters (same as ``Request/parameters``).
    public let parameters: Parameters
    /// The app (route group without parentheses, e.g. `vlm`) the function belongs to, if any.
    public let app: String?
    /// When the handler's `maxDuration` runs out; the handler task is cancelled then and 504 is sent.
    public let deadline: ContinuousClock.Instant?
    /// True when the scheduler invoked this function for a cron tick (Vercel's headers are set too).
    public let isCron: Bool
    /// Services shared by all requests (KV, fetch...).
    package let services: Services
    let background: BackgroundWork
    /// The policy of the app the function belongs to (``AppPolicy/default`` outside any app).
    package let policy: AppPolicy
    package let notes: ResponseNotes
    /// The request's headers, for credential checks.
    package let requestHeaders: HTTPFields

    /// `loggerCarriesApp`: `logger` already has `app` in its metadata (it is not set again per request).
    package init(
        requestId: String,
        logger: Logger,
        loggerCarriesApp: Bool = false,
        env: Environment,
        parameters: Parameters = Parameters(),
        app: String? = nil,
        deadline: ContinuousClock.Instant? = nil,
        isCron: Bool = false,
        services: Services = Services(),
        background: BackgroundWork = BackgroundWork(),
        policy: AppPolicy = .default,
        notes: ResponseNotes = ResponseNotes(),
        requestHeaders: HTTPFields = [:]
    ) {
        self.requestId = requestId
        self.baseLogger = logger
        self.baseCarriesApp = loggerCarriesApp
        self.env = env
        self.parameters = parameters
        self.app = app
        self.deadline = deadline
        self.isCron = isCron
        self.services = services
        self.background = background
        self.policy = policy
        self.notes = notes
        self.requestHeaders = requestHeaders
    }

    /// Checks the app's credential `name` now (for handlers whose order of checks matters, e.g. a rate
    /// limit before the admin token); throws the credential's error, rendered in the app's shape.
    public func authorize(_ name: String) throws {
        let credential = policy.credential(named: name)
        guard credential.admits(requestHeaders) else { throw credential.failure }
    }

    /// Whether the request presents the app's credential `name` (no error).
    public func presents(_ name: String) -> Bool {
        policy.credential(named: name).admits(requestHeaders)
    }

    /// Sets a header on whatever response this request ends with, errors included.
    public func setResponseHeader(_ name: HTTPField.Name, _ value: String) {
        notes.setHeader(name, value)
    }

    /// Adds a field to this request's access-log line (`cache`, `provider`...). Never log a secret.
    public func logField(_ name: String, _ value: String) {
        notes.setField(name, value)
    }

    /// Runs `work` after (or while) the response is sent; graceful shutdown waits for it.
    /// Errors are logged with the request id, never lost silently.
    public func waitUntil(_ work: @escaping @Sendable () async throws -> Void) {
        let logger = self.logger
        background.start {
            do { try await work() } catch {
                logger.error("waitUntil work failed", metadata: ["error": "\(error)"])
            }
        }
    }
}

/// A cron declaration or scheduler setting that cannot be used: a bad path or backoff schedule,
/// duplicate paths, too many jobs, an invalid `CRON_SECRET`. The message says what and why.
public struct CronConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

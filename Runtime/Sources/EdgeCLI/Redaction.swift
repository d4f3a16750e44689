/// Which configuration values may appear in a log line or an error message.
///
/// An allow-list, not a deny-list: only the runtime's own non-secret settings are ever shown; every
/// other variable (API keys, tokens, `CRON_SECRET`, database URLs, whatever an app reads) is shown by
/// name with its value replaced by ``placeholder``.
enum Redaction {
    static let placeholder = "[redacted]"

    /// Variables whose values are never secret.
    static let shownVariables: Set<String> = [
        "PORT", "HOST", "LOG_LEVEL", "LOG_FORMAT", "ACCESS_LOG", "EDGE_WORKERS", "EDGE_KV", "EDGE_CONFIG", "KV_PATH",
        "EDGE_EVENT_LOOPS", "EDGE_MAX_CONNECTIONS", "EDGE_HEADER_READ_TIMEOUT", "EDGE_KEEP_ALIVE_TIMEOUT",
        "EDGE_BODY_READ_TIMEOUT", "EDGE_WRITE_TIMEOUT", "NODE_ENV", "TZ",
    ]

    /// `value` if `key` is allowed to show it, else the placeholder.
    static func value(_ key: String, _ value: String) -> String {
        shownVariables.contains(key) ? value : placeholder
    }

    /// ` (got 'value')` for an error message, or nothing when the value is not to be shown.
    static func shown(_ key: String, _ value: String) -> String {
        shownVariables.contains(key) ? " (got '\(value)')" : ""
    }
}

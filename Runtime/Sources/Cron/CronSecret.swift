/// The `CRON_SECRET` rules, checked at start-up as Vercel's build checks them.
public enum CronSecret {
    /// Returns the secret to send, or nil when `value` is nil or empty (no `authorization` header).
    /// - Throws: ``CronConfigurationError`` when the value has leading or trailing whitespace or a
    ///   character outside visible ASCII (`!` ... `~`, plus inner spaces), which could not travel
    ///   in an HTTP header unchanged.
    public static func validate(_ value: String?) throws(CronConfigurationError) -> String? {
        guard let value, !value.isEmpty else { return nil }
        if let first = value.unicodeScalars.first, let last = value.unicodeScalars.last,
           first.properties.isWhitespace || last.properties.isWhitespace {
            throw CronConfigurationError("CRON_SECRET must not begin or end with whitespace")
        }
        guard value.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value <= 0x7E }) else {
            throw CronConfigurationError("CRON_SECRET may only contain visible ASCII characters")
        }
        return value
    }
}

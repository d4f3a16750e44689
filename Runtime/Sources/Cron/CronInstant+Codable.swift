extension CronInstant: Codable {
    /// Encodes as an ISO 8601 UTC string with up to nine fractional digits
    /// (`2026-11-25T03:00:00Z`, `2026-11-25T03:00:00.012345678Z`); anything below a nanosecond
    /// is dropped. Decodes any ``init(iso8601:)`` text.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso8601WithNanoseconds)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let instant = CronInstant(iso8601: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an ISO 8601 UTC instant: \(text)")
        }
        self = instant
    }

    /// ISO 8601 UTC with the fraction to the nanosecond, trailing zeros (and an empty fraction) removed.
    var iso8601WithNanoseconds: String {
        let (_, atto) = subsecond.components
        let nanoseconds = atto / 1_000_000_000
        guard nanoseconds > 0 else { return iso8601 }
        var digits = String(nanoseconds)
        digits = String(repeating: "0", count: 9 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return String(iso8601.dropLast()) + "." + digits + "Z"
    }
}

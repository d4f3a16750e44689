/// Builds an SSE response body for handlers that generate or transform events.
///
/// ```swift
/// let upstream = try await client.fetch(request)
/// let body = upstream.body.sseEvents().map { event in
///     var event = event
///     event.data = event.data.replacingOccurrences(of: "gpt-x", with: "our-model")
///     return event.encoded()
/// }
/// ```
public enum SSEWriter {
    /// The encoded form of `event` (see ``SSEEvent/encoded()``).
    public static func encode(_ event: SSEEvent) -> [UInt8] { event.encoded() }

    /// A comment line (`: text`), e.g. a keep-alive that clients ignore. Newlines in `text` are
    /// turned into separate comment lines.
    public static func comment(_ text: String = "") -> [UInt8] {
        var out = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) { out += ": \(line)\n" }
        out += "\n"
        return Array(out.utf8)
    }

    /// Response headers for an event stream: `text/event-stream`, no caching, no proxy buffering.
    public static let headers: FetchHeaders = [
        "Content-Type": "text/event-stream",
        "Cache-Control": "no-cache",
        "X-Accel-Buffering": "no",
    ]
}

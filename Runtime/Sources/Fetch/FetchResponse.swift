/// The head of an upstream response plus its streaming body.
///
/// `fetch` returns as soon as the final response head has arrived; the body then streams.
/// For SSE passthrough hand `body` straight to the outgoing response.
public struct FetchResponse: Sendable {
    /// The status code of the final response (after followed redirects).
    public let status: Int
    /// The response header fields, in wire order (HTTP/2 pseudo-headers excluded).
    public let headers: FetchHeaders
    /// The URL that produced this response (after followed redirects).
    public let url: String
    /// `"HTTP/1.1"`, `"HTTP/2"`, … as seen on the status line.
    public let httpVersion: String
    /// How many redirects were followed to get here.
    public let redirectCount: Int
    /// The body, delivered chunk by chunk as it arrives. Single consumer.
    public let body: FetchBody

    /// `true` for 2xx statuses.
    public var ok: Bool { (200..<300).contains(status) }
}

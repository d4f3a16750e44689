/// Why an outbound request failed.
///
/// Thrown by ``HTTPClient/fetch(_:)`` (before the response head) and by iterating a ``FetchBody``
/// (after it). A handler that does not catch it gets ``httpStatus`` / ``envelopeCode``:
/// `504 upstream_timeout` for ``Kind/timeout(_:)``, `502 upstream_error` for everything else.
public struct FetchError: Error, Sendable, CustomStringConvertible {
    /// The phase a ``Kind/timeout(_:)`` fired in. See ``FetchTimeouts``.
    public enum TimeoutPhase: String, Sendable, Hashable {
        case connect, firstByte, idle, total
    }

    public enum Kind: Sendable, Hashable {
        /// The URL could not be parsed or uses a scheme other than http/https.
        case invalidURL
        /// The host (or proxy) name did not resolve.
        case dns
        /// The upstream actively refused the TCP connection (`ECONNREFUSED`).
        case connectionRefused
        /// Any other failure to establish the connection (unreachable, reset during connect).
        case connect
        /// TLS handshake or certificate verification failed.
        case tls
        /// A limit from ``FetchTimeouts`` fired.
        case timeout(TimeoutPhase)
        /// Our side stopped the transfer: the task was cancelled, the body consumer went away, the
        /// request body producer threw, or the client shut down.
        case aborted
        /// The upstream closed or reset the connection before the response was complete.
        case connectionClosed
        /// The upstream sent something that is not valid HTTP.
        case invalidResponse
        /// More redirects than ``RedirectPolicy/follow(max:)`` allows.
        case tooManyRedirects
        /// A redirect was received under ``RedirectPolicy/error`` (or could not be followed).
        case redirectRefused
        /// A body exceeded the `maxBytes` given to a collecting helper.
        case tooLarge
        /// Anything else curl reported; see ``curlCode`` and ``message``.
        case other
    }

    public let kind: Kind
    /// The libcurl `CURLcode`, when curl reported the failure.
    public let curlCode: Int?
    /// A human-readable reason, including curl's error buffer when there is one.
    public let message: String
    /// The URL being fetched when the error occurred (after redirects).
    public let url: String?
    public let file: String
    public let line: Int

    init(_ kind: Kind, curlCode: Int? = nil, message: String, url: String? = nil,
         file: String = #fileID, line: Int = #line) {
        self.kind = kind
        self.curlCode = curlCode
        self.message = message
        self.url = url
        self.file = file
        self.line = line
    }

    /// The status a handler's response gets when this error escapes it: 504 or 502.
    public var httpStatus: Int {
        if case .timeout = kind { return 504 }
        return 502
    }

    /// The error-envelope code matching ``httpStatus``: `upstream_timeout` or `upstream_error`.
    public var envelopeCode: String {
        if case .timeout = kind { return "upstream_timeout" }
        return "upstream_error"
    }

    public var description: String {
        var text = "FetchError.\(kind): \(message)"
        if let curlCode { text += " (curl \(curlCode))" }
        if let url { text += " [\(url)]" }
        return text
    }
}

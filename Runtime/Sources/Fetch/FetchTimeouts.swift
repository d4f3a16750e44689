/// Per-request time limits. Each is optional; `nil` means "no limit" (except ``connect``, see below).
///
/// - ``connect``: DNS resolution, TCP connect and TLS handshake together (`CURLOPT_CONNECTTIMEOUT_MS`).
///   When `nil` the client default applies (``FetchLimits/defaultConnectTimeout`` unless configured).
/// - ``firstByte``: from the moment the request is fully handed to curl (for a streamed body: when the
///   body stream ends) until the first byte of the response status line arrives.
/// - ``idle``: the longest gap between two received bytes once the response started. Time spent paused
///   because *our consumer* is slow does not count: the clock restarts when the transfer resumes.
/// - ``total``: the whole exchange, from `fetch` to the last body byte, redirects included.
///   Streams have no total limit by default.
///
/// A limit that fires fails the request (or the body iteration) with ``FetchError/Kind/timeout(_:)``,
/// which maps to `504 upstream_timeout`.
public struct FetchTimeouts: Sendable, Hashable {
    public var connect: Duration?
    public var firstByte: Duration?
    public var idle: Duration?
    public var total: Duration?

    public init(connect: Duration? = nil, firstByte: Duration? = nil, idle: Duration? = nil, total: Duration? = nil) {
        self.connect = connect
        self.firstByte = firstByte
        self.idle = idle
        self.total = total
    }

    /// Fills every `nil` limit of `self` from `defaults`.
    func merged(over defaults: FetchTimeouts) -> FetchTimeouts {
        FetchTimeouts(
            connect: connect ?? defaults.connect,
            firstByte: firstByte ?? defaults.firstByte,
            idle: idle ?? defaults.idle,
            total: total ?? defaults.total
        )
    }
}

extension Duration {
    /// Whole nanoseconds, saturating, never negative.
    var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        if seconds < 0 { return 0 }
        let (ns, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return .max }
        return ns &+ UInt64(attoseconds / 1_000_000_000)
    }

    /// Whole milliseconds (rounded up, at least 1), for curl options.
    var curlMilliseconds: Int {
        let ms = (nanoseconds + 999_999) / 1_000_000
        return Int(clamping: max(ms, 1))
    }
}

extension HTTPClient {
    /// Which HTTP versions to negotiate with upstreams. The default is ``automatic``.
    ///
    /// - Warning: Known libcurl 7.88 (Debian 12) limits, checked against `nghttpd` in `HTTP2Tests`:
    ///   - ``http2PriorKnowledge`` (h2c) is broken for connection reuse: the second stream on an h2c
    ///     connection fails with "Error in the HTTP2 framing layer" (also with the curl CLI). Avoid it.
    ///   - Over TLS (``automatic``) multiplexing, pausing and cancelling one stream work, but a paused
    ///     HTTP/2 stream keeps receiving into libcurl's own buffer up to the stream window (about
    ///     10 MB per stream in 7.88, curl/curl#4939), so ``FetchLimits/responseBufferHighWater``
    ///     bounds only our buffer. Reports of stalls after many pause/resume cycles (curl/curl#10988,
    ///     fixed in 8.1) are not reproduced by the tests; if you see them, use ``http1Only``.
    public enum HTTPVersionPreference: Sendable, Hashable {
        /// HTTP/2 over TLS when the server offers it via ALPN, HTTP/1.1 otherwise (`CURL_HTTP_VERSION_2TLS`).
        case automatic
        /// Always HTTP/1.1.
        case http1Only
        /// HTTP/2 without negotiation, also over cleartext (h2c prior knowledge).
        case http2PriorKnowledge
    }

    /// Client-wide settings. Every field has a production default.
    public struct Configuration: Sendable {
        /// Defaults for limits a request leaves `nil`. Only `connect` has a default (10 s):
        /// streams must be allowed to run for hours.
        public var timeouts: FetchTimeouts
        /// An explicit proxy URL (`CURLOPT_PROXY`). When `nil`, libcurl reads the environment:
        /// `http_proxy` (lower-case only), `https_proxy`/`HTTPS_PROXY`, `all_proxy`/`ALL_PROXY`,
        /// and `no_proxy`/`NO_PROXY`.
        public var proxy: String?
        /// Hosts that bypass the proxy (`CURLOPT_NOPROXY`); `nil` keeps the environment's `no_proxy`.
        public var noProxy: String?
        public var httpVersion: HTTPVersionPreference
        /// Sent as `User-Agent` unless the request sets one. `nil` sends none.
        public var userAgent: String?
        /// A PEM CA bundle replacing the system store (`CURLOPT_CAINFO`); `nil` uses the system store.
        public var caBundlePath: String?
        /// See ``FetchLimits/responseBufferHighWater``.
        public var responseBufferHighWater: Int
        /// See ``FetchLimits/responseBufferLowWater``.
        public var responseBufferLowWater: Int

        public init(
            timeouts: FetchTimeouts = FetchTimeouts(connect: FetchLimits.defaultConnectTimeout),
            proxy: String? = nil,
            noProxy: String? = nil,
            httpVersion: HTTPVersionPreference = .automatic,
            userAgent: String? = "swift-edge-fetch/1",
            caBundlePath: String? = nil,
            responseBufferHighWater: Int = FetchLimits.responseBufferHighWater,
            responseBufferLowWater: Int = FetchLimits.responseBufferLowWater
        ) {
            self.timeouts = timeouts
            self.proxy = proxy
            self.noProxy = noProxy
            self.httpVersion = httpVersion
            self.userAgent = userAgent
            self.caBundlePath = caBundlePath
            self.responseBufferHighWater = responseBufferHighWater
            self.responseBufferLowWater = responseBufferLowWater
        }
    }
}

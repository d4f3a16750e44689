extension HTTPClient {
    /// Which HTTP versions to negotiate with upstreams.
    ///
    /// - Warning: Back-pressure over HTTP/2 relies on libcurl's stream pausing. In libcurl 7.88 (Debian 12)
    ///   a paused HTTP/2 stream keeps receiving into libcurl's own buffer up to the stream window, so the
    ///   bound from ``FetchLimits/responseBufferHighWater`` holds only for our buffer, and connections
    ///   that are paused and resumed many times have been reported to stall (curl/curl#10988, fixed in
    ///   8.1). Only HTTP/1.1 is exercised by the test suite (no HTTP/2 loopback server is available).
    ///   If you see stalls on an HTTP/2 upstream, use ``http1Only``.
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

/// Every limit and default of the Fetch module, in one place.
public enum FetchLimits {
    /// Response bytes buffered ahead of a slow consumer before the transfer is paused
    /// (`CURL_WRITEFUNC_PAUSE`). The buffer can exceed this by at most one curl write (≤ 64 KiB).
    public static let responseBufferHighWater = 512 * 1024
    /// Once a paused transfer's buffer drains to this many bytes, the transfer is resumed.
    public static let responseBufferLowWater = 128 * 1024
    /// Request-body bytes a streaming producer may queue ahead of curl before `write` suspends.
    public static let requestBufferHighWater = 256 * 1024
    /// Largest chunk handed to a body consumer: bytes received while the previous chunk waits join it
    /// up to this size (one socket read of ``curlBufferSize`` arrives as one chunk).
    public static let maxDeliveredChunk = 256 * 1024
    /// A write-callback piece at least this large is taken for a bulk body: its chunk reserves
    /// ``maxDeliveredChunk`` bytes up front (smaller pieces, such as SSE events, get exactly their size).
    static let bulkPieceBytes = 16 * 1024
    /// `CURLOPT_BUFFERSIZE`: the receive buffer per transfer.
    public static let curlBufferSize = 256 * 1024
    /// Easy handles of completed transfers the client keeps for reuse (`curl_easy_reset`): a new handle
    /// per transfer (`curl_easy_init`, its receive buffer, `curl_easy_cleanup`) was ~30k instructions.
    static let spareEasyHandles = 64
    /// Default for ``FetchTimeouts/connect`` when neither request nor client sets one.
    public static let defaultConnectTimeout: Duration = .seconds(10)
    /// Default ``RedirectPolicy``: follow up to this many redirects, as WHATWG fetch does.
    public static let defaultMaxRedirects = 20
    /// Default `maxBytes` for ``FetchBody/bytes(upTo:)``, ``FetchBody/text(upTo:)`` and ``FetchBody/json(as:upTo:decoder:)``.
    public static let defaultCollectLimit = 16 * 1024 * 1024
    /// `CURLMOPT_MAXCONNECTS`: idle connections one client (one process) keeps for reuse. libcurl's default,
    /// four per transfer *in progress*, shrinks whenever the concurrency dips and closes connections the
    /// next burst reconnects (`bench/routes`' 001 at -c64: one transfer in nine opened a connection).
    public static let maxIdleConnections = 256
    /// Longest the curl thread sleeps in `curl_multi_poll` when nothing is due; bounds deadline slack.
    public static let maxPollIntervalMilliseconds: Int32 = 1000
    /// Longest SSE line the parser accepts before failing the stream (guards against an endless line).
    public static let maxSSELineBytes = 1024 * 1024
}

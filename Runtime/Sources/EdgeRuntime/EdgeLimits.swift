#if canImport(Glibc)
import Glibc
#endif

/// Every runtime limit, in one place. Per-function values come from `vercel-like.json` `functions`.
public enum EdgeLimits {
    /// Largest request body the body helpers collect unless a function sets `maxRequestBodySize` (Vercel: 4.5 MB).
    public static let defaultMaxRequestBodySize = 4_718_592
    /// Largest `maxRequestBodySize` a function may configure.
    public static let maxConfigurableRequestBodySize = 1 << 30
    /// Default wall-clock budget for a handler when no `maxDuration` is configured, in seconds (Vercel's 300 s).
    public static let defaultMaxDuration = 300
    /// Largest configurable `maxDuration`, in seconds (Vercel CLI's bound).
    public static let maxConfigurableDuration = 1800
    /// Longest accepted incoming `x-request-id`; longer or odd ones are replaced.
    public static let maxRequestIdLength = 128
    /// How long graceful shutdown waits for in-flight requests and `waitUntil` work, in seconds.
    public static let shutdownGracePeriod = 10
    /// Header sizes the HTTP parser accepts.
    public static let maxHeaderFieldSize = 16 * 1024
    public static let maxHeaderListSize = 64 * 1024
    /// An idle keep-alive connection is closed after this many seconds without a request.
    public static let keepAliveIdleTimeout = 75
    /// A request body the handler has not read yet stops the socket's reads past the high-water mark
    /// and lets them go on again below the low-water mark, in bytes.
    public static let requestBodyHighWater = 256 * 1024
    public static let requestBodyLowWater = 64 * 1024
    /// A connection accepted just before its worker began draining has this long (ms) to send its first
    /// request, which is then answered before the connection closes.
    public static let quiesceFirstRequestGraceMs: Int64 = 1000
    /// CPU-bound computations (``CPUWork``) that run at once: one core fewer than the machine has (at least
    /// one), so the event loops always keep a core.
    public static let cpuWorkThreads = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) - 1)
}

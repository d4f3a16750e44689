#if canImport(Glibc)
import Glibc
#endif

/// Every runtime limit, in one place. Per-function values come from `vercel-like.json` `functions`.
public enum EdgeLimits {
    /// Largest request body the body helpers collect unless a function sets `maxRequestBodySize` (Vercel: 4.5 MB).
    public static let defaultMaxRequestBodySize = 4_718_592
    /// How long an external rewrite waits for the upstream's response head before answering 504
    /// `upstream_timeout` (the body then streams without a limit while bytes flow).
    public static let externalRewriteFirstByteTimeout: Duration = .seconds(120)
    /// Largest `maxRequestBodySize` a function may configure.
    public static let maxConfigurableRequestBodySize = 1 << 30
    /// Default wall-clock budget for a handler when no `maxDuration` is configured, in seconds (Vercel's 300 s).
    public static let defaultMaxDuration = 300
    /// Largest configurable `maxDuration`, in seconds (Vercel CLI's bound).
    public static let maxConfigurableDuration = 1800
    /// Most worker processes `edge serve --workers` / `EDGE_WORKERS` may start.
    public static let maxWorkers = 256
    /// Longest accepted incoming `x-request-id`; longer or odd ones are replaced.
    public static let maxRequestIdLength = 128
    /// How long graceful shutdown waits for in-flight requests and `waitUntil` work, in seconds.
    public static let shutdownGracePeriod = 10
    /// Header sizes the HTTP parser accepts.
    public static let maxHeaderFieldSize = 16 * 1024
    public static let maxHeaderListSize = 64 * 1024
    /// The largest header block of one `multipart/form-data` part (``MultipartStream``): 16 KiB.
    public static let multipartMaxHeaderBytes = 16 * 1024
    /// An idle keep-alive connection is closed after this many seconds without a request.
    public static let keepAliveIdleTimeout = 75
    /// A connection is closed when a request head has not arrived whole this many seconds after the
    /// connection opened or the head's first bytes arrived (slowloris). An idle keep-alive connection
    /// waits ``keepAliveIdleTimeout`` instead, until the next head starts.
    public static let headerReadTimeout = 10
    /// A request body that stops arriving (no byte for this many seconds while the handler waits for
    /// it) fails with 408 `request_timeout` and the connection closes after the answer. Time the
    /// handler spends not reading (reads paused past ``requestBodyHighWater``) does not count.
    public static let bodyReadIdleTimeout = 30
    /// A connection whose response writes make no progress (the socket stays unwritable: the client
    /// stopped reading) for this many seconds is closed; a streaming handler behind it is cancelled.
    public static let responseWriteTimeout = 30
    /// A connection that closes after its response shuts its side first and reads (and drops) what the
    /// client still sends for at most this long, in milliseconds, so the client reads the response
    /// before the close (closing with unread input resets the connection).
    public static let closeLingerMs = 2000
    /// Connections one process serves at once. Past it a new connection gets a 503 with
    /// `connection: close` and is closed; one log line marks each time the cap is reached.
    public static let maxConnections = 4096
    /// How long accepting pauses after `accept` fails (`EMFILE`, `ENFILE`, `ENOBUFS`, `ENOMEM`), in
    /// milliseconds. Connections arriving meanwhile wait in the listen backlog.
    public static let acceptBackoff = 100
    /// Descriptors the accept loop keeps out of connections' reach: held open while it accepts, let go
    /// when `accept` finds the process out of descriptors, so that what else runs in the process can still
    /// open files (libdispatch's thread-pool monitor reads `/proc` and ends the process when it cannot;
    /// LMDB, logs, uploads), and taken back before accepting resumes.
    public static let reservedDescriptors = 32
    /// A request body the handler has not read yet stops the socket's reads past the high-water mark
    /// and lets them go on again below the low-water mark, in bytes.
    public static let requestBodyHighWater = 256 * 1024
    public static let requestBodyLowWater = 64 * 1024
    /// A connection accepted just before its worker began draining has this long (ms) to send its first
    /// request, which is then answered before the connection closes.
    public static let quiesceFirstRequestGraceMs: Int64 = 1000
    /// ``StagedFile`` starts the kernel's writeback every this many bytes written, so the commit's `fsync`
    /// finds about this much still to write when the disk keeps up with the network.
    public static let stagedFileWritebackBytes = 8 << 20
    /// ``StagedFile``s hashed on a thread of their own (reading back what was written) at once; files
    /// beyond this are hashed on the caller's thread as their bytes arrive.
    public static let stagedFileHasherThreads = 8
    /// How much a ``StagedFile``'s hashing thread reads back per `pread`.
    public static let stagedFileHashReadBytes = 1 << 20
    /// CPU-bound computations (``CPUWork``) that run at once: one core fewer than the machine has (at least
    /// one), so the event loops always keep a core.
    public static let cpuWorkThreads = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) - 1)
}

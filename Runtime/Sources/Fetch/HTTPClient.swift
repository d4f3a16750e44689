import Synchronization

/// An outbound HTTP client on libcurl: one multi handle driven by one dedicated thread.
///
/// All transfers of a client share that thread and libcurl's connection cache (keep-alive reuse,
/// HTTP/2 multiplexing). `fetch` hands the request to the thread and suspends until the response
/// head arrives; the body then streams through ``FetchResponse/body``.
///
/// Cancelling the task that awaits `fetch`, or that iterates the body, aborts the transfer; the
/// upstream sees its connection close (HTTP/1.1) or its stream reset (HTTP/2) within one loop turn.
///
/// SSE passthrough from a handler (the server iterates `body`; when the client leaves, the server
/// stops iterating and the upstream call is aborted):
///
/// ```swift
/// func handle(_ request: Request, context: Context) async throws -> Response {
///     let upstream = try await HTTPClient.shared.fetch(FetchRequest(
///         url: "https://api.example.com/v1/chat", method: "POST",
///         headers: ["Authorization": "Bearer \(key)", "Content-Type": "application/json"],
///         body: .bytes(request.bodyBytes)))
///     return Response(status: upstream.status, headers: upstream.forwardableHeaders, body: upstream.body)
/// }
/// ```
///
/// Errors escaping a handler map to `502 upstream_error` / `504 upstream_timeout`
/// (``FetchError/httpStatus``, ``FetchError/envelopeCode``).
///
/// - Important: ``shutdown()`` blocks the calling thread until the curl thread exits (a few ms).
package final class HTTPClient: Sendable {
    /// A process-wide client with the default configuration. Never shut down.
    public static let shared = HTTPClient()

    public let configuration: Configuration
    /// The curl thread, started by the first `fetch`: a process that never fetches never loads libcurl
    /// (its ~25 shared libraries cost ~10 ms of cold start, bench/http/coldstart.sh).
    private let state = Mutex(LoopState.idle)

    private enum LoopState {
        case idle
        case running(CurlLoop)
        case shutDown
    }

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    deinit { shutdown() }

    /// The running loop, started on first use; nil once shut down.
    private var loop: CurlLoop? {
        state.withLock { s in
            switch s {
            case .running(let loop): return loop
            case .shutDown: return nil
            case .idle:
                let loop = CurlLoop(configuration: configuration)
                s = .running(loop)
                return loop
            }
        }
    }

    /// Sends `request` and returns once the final response head has arrived (redirects followed
    /// per ``FetchRequest/redirect``).
    ///
    /// - Throws: ``FetchError`` for DNS, connect, TLS, timeout, redirect-policy and protocol
    ///   failures, and ``FetchError/Kind/aborted`` when the task is cancelled.
    /// - Note: an HTTP error status (4xx, 5xx) is a response, not an error.
    public func fetch(_ request: FetchRequest) async throws(FetchError) -> FetchResponse {
        FetchMetrics.transfers.increment()
        guard let loop else {
            FetchMetrics.errors.increment()
            throw FetchError(.aborted, message: "the HTTP client was shut down", url: request.url)
        }
        let transfer = Transfer(request: request, configuration: configuration, loop: loop)
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (c: ResponseStream.HeadContinuation) in
                if transfer.stream.installHeadWaiter(c) {
                    loop.start(transfer)
                }
            }
        } onCancel: {
            transfer.stream.abandon()
        }
        if case .failure = result { FetchMetrics.errors.increment() }
        return try result.get()
    }

    /// Convenience: `GET url`.
    public func fetch(_ url: String, headers: FetchHeaders = [:]) async throws(FetchError) -> FetchResponse {
        try await fetch(FetchRequest(url: url, headers: headers))
    }

    /// Fails every transfer in flight with ``FetchError/Kind/aborted``, stops the curl thread and
    /// waits for it to exit. Later `fetch` calls fail with ``FetchError/Kind/aborted``. Idempotent.
    public func shutdown() {
        let running: CurlLoop? = state.withLock { s in
            defer { s = .shutDown }
            if case .running(let loop) = s { return loop }
            return nil
        }
        running?.shutdown()
    }

    /// Transfers currently owned by the curl thread (for metrics and leak tests).
    public var activeTransferCount: Int {
        state.withLock { s in
            if case .running(let loop) = s { return loop.activeCount }
            return 0
        }
    }
}

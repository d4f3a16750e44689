import CCurl

/// One request's life on the curl thread: its easy handle, parse state and deadlines.
///
/// Thread rules: `request`, `timeouts`, `stream`, `upload` and `loop` are immutable and safe
/// anywhere. Every `var` is touched only on the curl thread (inside ``CurlLoop`` and the C callbacks
/// it drives), which is why the class is `@unchecked Sendable`.
final class Transfer: @unchecked Sendable {
    let request: FetchRequest
    let configuration: HTTPClient.Configuration
    let timeouts: FetchTimeouts
    let stream: ResponseStream
    let upload: RequestBodyWriter?
    let loop: CurlLoop

    // MARK: curl-thread state
    var easy: UnsafeMutableRawPointer?
    var headerList: UnsafeMutablePointer<curl_slist>?
    let errorBuffer: UnsafeMutablePointer<CChar>
    /// The method currently sent (a 303 turns it into GET).
    var method: String
    var headers: FetchHeaders
    var sendsBody: Bool
    var redirectCount = 0
    /// The response being parsed: status line, header fields, whether it is a redirect we follow.
    var parsedStatus = 0
    var parsedVersion = ""
    var parsedHeaders = FetchHeaders()
    var followingRedirect = false
    var headDelivered = false
    /// A failure decided inside a callback; the callback then returns an error code to curl.
    var pendingError: FetchError?
    var producer: Task<Void, Never>?
    // Deadlines (monotonic ns).
    var startedAt: UInt64 = 0
    /// When the first-byte clock started; `nil` while a streamed request body is still being sent.
    var firstByteClockStart: UInt64?
    var anyResponseByte = false
    var lastActivity: UInt64 = 0
    var receivePaused = false
    var sendPaused = false

    init(request: FetchRequest, configuration: HTTPClient.Configuration, loop: CurlLoop) {
        self.request = request
        self.configuration = configuration
        self.timeouts = request.timeouts.merged(over: configuration.timeouts)
        self.loop = loop
        self.method = request.method
        self.headers = request.headers
        self.errorBuffer = .allocate(capacity: Int(CCurl_ERROR_SIZE) + 1)
        self.errorBuffer.initialize(repeating: 0, count: Int(CCurl_ERROR_SIZE) + 1)
        if case .none = request.body.storage { sendsBody = false } else { sendsBody = true }

        nonisolated(unsafe) weak var weakSelf: Transfer?
        self.stream = ResponseStream(
            highWater: configuration.responseBufferHighWater,
            lowWater: configuration.responseBufferLowWater,
            requestResume: { [loop] in if let t = weakSelf { loop.submit(.resumeReceive(t)) } },
            requestAbort: { [loop] in if let t = weakSelf { loop.submit(.abort(t)) } }
        )
        if case .stream = request.body.storage {
            self.upload = RequestBodyWriter(resumeUpload: { [loop] in
                if let t = weakSelf { loop.submit(.resumeSend(t)) }
            })
        } else {
            self.upload = nil
        }
        weakSelf = self
    }

    deinit {
        errorBuffer.deallocate()
        if let headerList { curl_slist_free_all(headerList) }
    }

    /// The current contents of `CURLOPT_ERRORBUFFER`.
    var errorText: String { String(cString: errorBuffer) }

    /// The earliest deadline this transfer has now, with the limit it belongs to.
    func nextDeadline() -> (at: UInt64, phase: FetchError.TimeoutPhase)? {
        var best: (at: UInt64, phase: FetchError.TimeoutPhase)?
        func consider(_ at: UInt64, _ phase: FetchError.TimeoutPhase) {
            if best == nil || at < best!.at { best = (at, phase) }
        }
        if let total = timeouts.total { consider(startedAt &+ total.nanoseconds, .total) }
        if !anyResponseByte {
            if let firstByte = timeouts.firstByte, let start = firstByteClockStart {
                consider(start &+ firstByte.nanoseconds, .firstByte)
            }
        } else if !receivePaused, let idle = timeouts.idle {
            consider(lastActivity &+ idle.nanoseconds, .idle)
        }
        return best
    }
}

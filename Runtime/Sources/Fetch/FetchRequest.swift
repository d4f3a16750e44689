/// An outbound HTTP request.
///
/// `method` is sent verbatim (upper-case it yourself). Headers are sent in order; curl adds `Host`,
/// and for bodies `Content-Length` or `Transfer-Encoding: chunked`. No `Accept-Encoding` is added,
/// so a response body is delivered exactly as the upstream encoded it (safe to pass through).
public struct FetchRequest: Sendable {
    public var url: String
    public var method: String
    public var headers: FetchHeaders
    public var body: Body
    /// Overrides the client's ``HTTPClient/Configuration/timeouts`` limit by limit (`nil` fields inherit).
    public var timeouts: FetchTimeouts
    public var redirect: RedirectPolicy

    public init(
        url: String,
        method: String = "GET",
        headers: FetchHeaders = [:],
        body: Body = .none,
        timeouts: FetchTimeouts = FetchTimeouts(),
        redirect: RedirectPolicy = .default
    ) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.timeouts = timeouts
        self.redirect = redirect
    }
}

extension FetchRequest {
    /// A request body.
    public struct Body: Sendable {
        enum Storage: Sendable {
            case none
            case bytes([UInt8])
            case stream(length: Int?, produce: @Sendable (RequestBodyWriter) async throws -> Void)
        }
        let storage: Storage

        /// No body.
        public static let none = Body(storage: .none)

        /// A body known up front; sent with `Content-Length` and replayable across `307`/`308` redirects.
        public static func bytes(_ bytes: [UInt8]) -> Body { Body(storage: .bytes(bytes)) }

        /// A UTF-8 body.
        public static func text(_ text: String) -> Body { Body(storage: .bytes(Array(text.utf8))) }

        /// A body streamed from an async sequence of chunks, sent as they are produced
        /// (`Transfer-Encoding: chunked` unless `length` is given). The sequence is iterated on a
        /// separate task, at most ``FetchLimits/requestBufferHighWater`` bytes ahead of the network.
        /// If it throws, the transfer is aborted and `fetch` fails with ``FetchError/Kind/aborted``.
        /// A streamed body cannot be replayed, so a `307`/`308` redirect fails the request.
        public static func stream<S: AsyncSequence & Sendable>(_ chunks: S, length: Int? = nil) -> Body
        where S.Element == [UInt8] {
            Body(storage: .stream(length: length) { writer in
                for try await chunk in chunks { try await writer.write(chunk) }
            })
        }

        /// A body produced by a closure that writes chunks; returning ends the body.
        package static func writer(length: Int? = nil, _ produce: @escaping @Sendable (RequestBodyWriter) async throws -> Void) -> Body {
            Body(storage: .stream(length: length, produce: produce))
        }
    }
}

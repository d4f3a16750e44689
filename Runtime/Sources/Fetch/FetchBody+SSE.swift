extension FetchBody {
    /// The body parsed as Server-Sent Events, each yielded as soon as its blank line arrives.
    public func sseEvents() -> SSEEventSequence { SSEEventSequence(body: self) }
}

/// An `AsyncSequence` of ``SSEEvent`` over a ``FetchBody``. Same single-consumer and
/// abort-on-abandonment rules as the body.
public struct SSEEventSequence: AsyncSequence, Sendable {
    public typealias Element = SSEEvent
    public typealias Failure = FetchError

    let body: FetchBody

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(bytes: body.makeAsyncIterator()) }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var bytes: FetchBody.AsyncIterator
        var parser = SSEParser()
        var pending: [SSEEvent] = []
        var index = 0

        public mutating func next(isolation actor: isolated (any Actor)?) async throws(FetchError) -> SSEEvent? {
            while index >= pending.count {
                guard let chunk = try await bytes.next(isolation: actor) else { return nil }
                pending = try parser.feed(chunk)
                index = 0
            }
            defer { index += 1 }
            return pending[index]
        }

        public mutating func next() async throws(FetchError) -> SSEEvent? {
            try await next(isolation: nil)
        }
    }
}

extension FetchResponse {
    /// ``headers`` without hop-by-hop fields (`Connection`, `Keep-Alive`, `Transfer-Encoding`,
    /// `TE`, `Trailer`, `Upgrade`, `Proxy-*`): what a handler should copy onto its own response
    /// when it passes ``body`` through.
    public var forwardableHeaders: FetchHeaders {
        var out = headers
        for name in FetchHeaders.hopByHopNames { out.remove(name) }
        return out
    }
}

extension FetchHeaders {
    /// Field names that describe one connection, not the message (RFC 9110 §7.6.1), lower-case: a proxy
    /// drops them in both directions.
    package static let hopByHopNames = ["connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
                                        "proxy-connection", "proxy-authenticate", "proxy-authorization"]
}

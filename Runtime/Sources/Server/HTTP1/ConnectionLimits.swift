import EdgeRuntime
import NIOCore

/// The per-connection timeouts and the process's connection cap that ``HTTP1Server`` enforces. The
/// defaults are ``EdgeLimits``'; tests pass shorter ones so no test waits seconds for a timeout.
///
/// One timer per connection enforces all four timeouts (see `HTTPConnectionHandler+Timeouts.swift`);
/// which one runs depends on what the connection waits for:
/// - the first head, or the rest of a head that has started: ``headerRead``;
/// - the next request on a keep-alive connection: ``keepAliveIdle``;
/// - the rest of a request body the handler waits for: ``bodyReadIdle`` since the last byte;
/// - the socket to take a response's bytes (the client stopped reading): ``write``.
/// A handler computing its response has none; its `maxDuration` bounds it.
public struct ConnectionLimits: Sendable {
    public var headerRead: Duration
    public var keepAliveIdle: Duration
    public var bodyReadIdle: Duration
    public var write: Duration
    /// Connections served at once; the next one gets a 503 and is closed.
    public var maxConnections: Int
    /// How long accepting pauses after `accept` fails with `EMFILE`, `ENFILE`, `ENOBUFS` or `ENOMEM`.
    public var acceptBackoff: Duration

    /// ``EdgeLimits``' values.
    public init() {
        self.init(headerRead: nil)
    }

    /// The defaults, overridden by positive integers in the environment: `EDGE_MAX_CONNECTIONS`, and
    /// in seconds `EDGE_HEADER_READ_TIMEOUT`, `EDGE_KEEP_ALIVE_TIMEOUT`, `EDGE_BODY_READ_TIMEOUT`,
    /// `EDGE_WRITE_TIMEOUT` (anything else is ignored).
    public init(environment: [String: String]) {
        self.init()
        func positive(_ name: String, at most: Int) -> Int? {
            environment[name].flatMap { Int($0) }.flatMap { (1...most).contains($0) ? $0 : nil }
        }
        if let n = positive("EDGE_MAX_CONNECTIONS", at: 1 << 20) { maxConnections = n }
        if let s = positive("EDGE_HEADER_READ_TIMEOUT", at: EdgeLimits.maxConfigurableDuration) { headerRead = .seconds(s) }
        if let s = positive("EDGE_KEEP_ALIVE_TIMEOUT", at: EdgeLimits.maxConfigurableDuration) { keepAliveIdle = .seconds(s) }
        if let s = positive("EDGE_BODY_READ_TIMEOUT", at: EdgeLimits.maxConfigurableDuration) { bodyReadIdle = .seconds(s) }
        if let s = positive("EDGE_WRITE_TIMEOUT", at: EdgeLimits.maxConfigurableDuration) { write = .seconds(s) }
    }

    /// The defaults with some replaced (tests).
    init(headerRead: Duration? = nil, keepAliveIdle: Duration? = nil, bodyReadIdle: Duration? = nil, write: Duration? = nil,
         maxConnections: Int? = nil, acceptBackoff: Duration? = nil) {
        self.headerRead = headerRead ?? .seconds(EdgeLimits.headerReadTimeout)
        self.keepAliveIdle = keepAliveIdle ?? .seconds(EdgeLimits.keepAliveIdleTimeout)
        self.bodyReadIdle = bodyReadIdle ?? .seconds(EdgeLimits.bodyReadIdleTimeout)
        self.write = write ?? .seconds(EdgeLimits.responseWriteTimeout)
        self.maxConnections = maxConnections ?? EdgeLimits.maxConnections
        self.acceptBackoff = acceptBackoff ?? .milliseconds(EdgeLimits.acceptBackoff)
    }
}

/// ``ConnectionLimits``' timeouts as NIO's time amounts, converted once per connection.
struct ConnectionTimeouts {
    let headerRead: TimeAmount
    let keepAliveIdle: TimeAmount
    let bodyReadIdle: TimeAmount
    let write: TimeAmount

    init(_ limits: ConnectionLimits) {
        headerRead = TimeAmount(limits.headerRead)
        keepAliveIdle = TimeAmount(limits.keepAliveIdle)
        bodyReadIdle = TimeAmount(limits.bodyReadIdle)
        write = TimeAmount(limits.write)
    }
}

import EdgeRuntime
import Logging
import NIOCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The process's connection count against ``ConnectionLimits/maxConnections``, and the log lines for
/// the two ways accepting can run out: the cap, and the open-file limit.
///
/// - Past the cap a new connection is answered with 503 `too_many_connections` and
///   `connection: close` (``ConnectionRefuser``) and does not count. One warning marks each time the
///   cap is reached; the next is logged once the count has dropped below it again.
/// - When `accept` fails for want of resources (`EMFILE`, `ENFILE`, `ENOBUFS`, `ENOMEM`), accepting
///   pauses for ``ConnectionLimits/acceptBackoff`` (``SharedAcceptLoop``; the listening socket stays
///   readable, so without it the loop retries `accept` at 100% CPU). One error line is logged per
///   ``acceptFailureLogInterval`` while it lasts.
final class ConnectionGate: Sendable {
    let limits: ConnectionLimits
    let logger: Logger
    private let open = Atomic<Int>(0)
    private let atCapacityLogged = Atomic<Bool>(false)
    private let lastAcceptFailureLog = Mutex<ContinuousClock.Instant?>(nil)

    init(limits: ConnectionLimits, logger: Logger) {
        self.limits = limits
        self.logger = logger
    }

    var openConnections: Int { open.load(ordering: .relaxed) }

    /// Counts a new connection in; false when it is over the cap and must be refused.
    func admit(_ channel: any Channel) -> Bool {
        let count = open.wrappingAdd(1, ordering: .relaxed).newValue
        if count > limits.maxConnections {
            open.wrappingSubtract(1, ordering: .relaxed)
            if !atCapacityLogged.exchange(true, ordering: .relaxed) {
                logger.warning("connection limit reached: refusing new connections with 503", metadata: [
                    "maxConnections": .stringConvertible(limits.maxConnections),
                ])
            }
            return false
        }
        if count < limits.maxConnections { atCapacityLogged.store(false, ordering: .relaxed) }
        channel.closeFuture.whenComplete { _ in self.open.wrappingSubtract(1, ordering: .relaxed) }
        return true
    }

    /// Logs an `accept` failure (accepting then pauses for ``ConnectionLimits/acceptBackoff``), at most
    /// once per ``acceptFailureLogInterval``.
    func acceptFailed(errno code: Int32) {
        let now = ContinuousClock.now
        let due = lastAcceptFailureLog.withLock { last in
            if let l = last, now - l < Self.acceptFailureLogInterval { return false }
            last = now
            return true
        }
        guard due else { return }
        logger.error("accept failed: pausing accepting new connections", metadata: [
            "errno": .stringConvertible(code),
            "error": .string(String(cString: strerror(code))),
            "backoff": .stringConvertible(limits.acceptBackoff),
            "openConnections": .stringConvertible(openConnections),
        ])
    }

    /// One log line per this much time while `accept` keeps failing.
    static let acceptFailureLogInterval = Duration.seconds(60)
}

import KV
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// A small pool of PostgreSQL connections with reconnect and back-off, on NIO futures only.
///
/// Everything here runs on NIO event-loop threads, never on Swift's cooperative pool, so a
/// synchronous caller (`KvStore.read` is synchronous) may block on a future without starving the
/// work it waits for.
///
/// Failure behaviour (the contract `PostgresKvStore` relies on):
/// - An operation (waiting for a connection included) ends within
///   `PostgresKvLimits.operationTimeoutMs`: each of its statements runs through `PostgresLease.run`,
///   which fails it with `KvError(.storage)` at the deadline and closes its connection (a half-done
///   transaction is rolled back by the server when the socket closes), and a caller still waiting
///   for a free connection at the deadline fails with `storage`. Nothing waits on a future that
///   only the network could complete.
/// - A failed connect starts a back-off window (100 ms doubling to 2 s); operations in the window
///   fail at once with `storage`. The first operation after the window tries again, so service
///   resumes by itself when the server is back.
/// - A connection that saw any error is closed instead of returned, so no connection with unknown
///   transaction state is ever reused.
final class PostgresConnectionPool: Sendable {
    /// A caller waiting for a connection, until `deadline`.
    struct Waiter {
        let id: Int
        let promise: EventLoopPromise<PostgresConnection>
        let deadline: NIODeadline
    }

    struct State {
        var idle: [PostgresConnection] = []
        var open = 0
        var waiters: [Waiter] = []
        var backoffUntilMs: Int64 = 0
        var backoffMs: Int64 = 0
        var closed = false
        var nextID = 0
    }

    let configuration: PostgresConnection.Configuration
    let group: any EventLoopGroup
    let logger: Logger
    let state = Mutex(State())

    init(url: PostgresKvURL, group: any EventLoopGroup, logger: Logger) {
        var config: PostgresConnection.Configuration
        if let dir = url.socketDirectory {
            config = .init(unixSocketPath: "\(dir)/.s.PGSQL.\(url.port)", username: url.username, password: url.password, database: url.database)
        } else {
            config = .init(host: url.host, port: url.port, username: url.username, password: url.password, database: url.database, tls: .disable)
        }
        config.options.connectTimeout = .milliseconds(PostgresKvLimits.connectTimeoutMs)
        configuration = config
        self.group = group
        self.logger = logger
    }

    static func nowMs() -> Int64 { KvClock.nowMs() }

    static func operationDeadline() -> NIODeadline { .now() + .milliseconds(PostgresKvLimits.operationTimeoutMs) }

    /// Runs `body` on a leased connection within the operation deadline (futures only, so a
    /// synchronous caller may block on the result); the connection goes back to the pool on
    /// success and is closed on any failure.
    func withConnectionFuture<T: Sendable>(_ body: @escaping @Sendable (PostgresLease) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        let deadline = Self.operationDeadline()
        let logger = self.logger
        return acquire(on: group.next(), deadline: deadline).flatMap { conn in
            let lease = PostgresLease(conn, deadline: deadline, logger: logger)
            return body(lease).flatMapError { error in
                self.release(conn, healthy: false)
                return conn.eventLoop.makeFailedFuture(lease.timedOut.load(ordering: .relaxed) ? PostgresLease.timeoutError() : Self.storageError(error))
            }.map { v in
                self.release(conn, healthy: true)
                return v
            }
        }.flatMapErrorThrowing { throw Self.storageError($0) }
    }

    /// The async form of `withConnectionFuture`, for multi-statement transactions: every statement
    /// runs through the lease, so the body ends by the deadline.
    func withConnection<T>(_ body: (PostgresLease) async throws -> T) async throws(KvError) -> T {
        let deadline = Self.operationDeadline()
        let conn: PostgresConnection
        do { conn = try await acquire(on: group.next(), deadline: deadline).get() } catch { throw Self.storageError(error) }
        let lease = PostgresLease(conn, deadline: deadline, logger: logger)
        do {
            let v = try await body(lease)
            release(conn, healthy: true)
            return v
        } catch {
            release(conn, healthy: false)
            if lease.timedOut.load(ordering: .relaxed) { throw PostgresLease.timeoutError() }
            throw Self.storageError(error)
        }
    }

    /// SQLSTATEs that mean the server refuses this configuration (wrong password or user, no such
    /// database, no privilege): retrying cannot help, so start-up fails at once on them.
    static let refusalStates: Set<String> = ["28P01", "28000", "3D000", "42501"]
    static let refusalPrefix = "PostgreSQL refused the configuration ("

    /// Maps anything from postgres-nio or NIO to `KvError(.storage)`, keeping KvErrors as they are.
    static func storageError(_ error: any Error) -> KvError {
        if let e = error as? KvError { return e }
        if let e = error as? PSQLError {
            let server = e.serverInfo?[.message] ?? ""
            if let state = e.serverInfo?[.sqlState], refusalStates.contains(state) {
                return KvError(.storage, "\(refusalPrefix)\(state)): \(server)")
            }
            return KvError(.storage, "PostgreSQL error: \(e.code)\(server.isEmpty ? "" : ": " + server)")
        }
        return KvError(.storage, "PostgreSQL unavailable: \(error)")
    }

    /// A connection for one operation: an idle one, a new one (unless in back-off), or the next
    /// one released, waiting no later than `deadline`.
    func acquire(on loop: any EventLoop, deadline: NIODeadline) -> EventLoopFuture<PostgresConnection> {
        enum Step { case use(PostgresConnection), connect(Int), wait(Int, EventLoopPromise<PostgresConnection>), fail(KvError) }
        let now = Self.nowMs()
        let step = state.withLock { s -> Step in
            if s.closed { return .fail(.closedError) }
            while let c = s.idle.popLast() {
                if !c.isClosed { return .use(c) }
                s.open -= 1
            }
            if s.open < PostgresKvLimits.maxConnections {
                if now < s.backoffUntilMs { return .fail(KvError(.storage, "PostgreSQL unavailable (reconnecting)")) }
                s.open += 1
                s.nextID += 1
                return .connect(s.nextID)
            }
            let p = loop.makePromise(of: PostgresConnection.self)
            s.nextID += 1
            s.waiters.append(Waiter(id: s.nextID, promise: p, deadline: deadline))
            return .wait(s.nextID, p)
        }
        switch step {
        case .use(let c): return loop.makeSucceededFuture(c)
        case .fail(let e): return loop.makeFailedFuture(e)
        case .wait(let id, let p):
            // A waiter still queued at its deadline fails; one already handed a connection is gone
            // from the queue, so the timer finds nothing (no connection is ever lost to it).
            let timer = loop.scheduleTask(deadline: deadline) {
                let mine = self.state.withLock { s -> Bool in
                    guard let i = s.waiters.firstIndex(where: { $0.id == id }) else { return false }
                    s.waiters.remove(at: i)
                    return true
                }
                if mine { p.fail(KvError(.storage, "no PostgreSQL connection free within \(PostgresKvLimits.operationTimeoutMs) ms")) }
            }
            p.futureResult.whenComplete { _ in timer.cancel() }
            return p.futureResult
        case .connect(let id):
            return bounded(connect(id, on: loop), by: deadline, on: loop)
        }
    }

    /// `connecting` by `deadline`: postgres-nio bounds the TCP connect (`connectTimeout`) but not the
    /// start-up exchange after it, and an operation must end by its deadline whatever the server does
    /// (a server killed or restarting mid-handshake). A connection that arrives after the deadline is
    /// not lost: it goes to the pool (or to the next waiter) as a released one.
    private func bounded(_ connecting: EventLoopFuture<PostgresConnection>, by deadline: NIODeadline, on loop: any EventLoop) -> EventLoopFuture<PostgresConnection> {
        let promise = loop.makePromise(of: PostgresConnection.self)
        let settled = Settled()
        let timer = loop.scheduleTask(deadline: deadline) {
            if settled.claim() { promise.fail(KvError(.storage, "PostgreSQL did not accept a connection within \(PostgresKvLimits.operationTimeoutMs) ms")) }
        }
        connecting.whenComplete { result in
            timer.cancel()
            switch result {
            case .success(let conn):
                if settled.claim() { promise.succeed(conn) } else { self.release(conn, healthy: true) }
            case .failure(let error):
                if settled.claim() { promise.fail(error) }
            }
        }
        return promise.futureResult
    }

    /// Whichever of the connection and the deadline comes first completes the acquire.
    private final class Settled: Sendable {
        private let done = Atomic<Bool>(false)
        func claim() -> Bool { !done.exchange(true, ordering: .acquiringAndReleasing) }
    }

    /// A new connection (`id`); on failure, back-off starts and every waiter fails with the error.
    private func connect(_ id: Int, on loop: any EventLoop) -> EventLoopFuture<PostgresConnection> {
        PostgresConnection.connect(on: loop, configuration: configuration, id: id, logger: logger).map { conn in
            self.state.withLock { $0.backoffMs = 0 }
            return conn
        }.flatMapErrorThrowing { error in
            let waiters = self.state.withLock { s -> [Waiter] in
                s.open -= 1
                s.backoffMs = s.backoffMs == 0 ? PostgresKvLimits.initialBackoffMs : min(s.backoffMs * 2, PostgresKvLimits.maxBackoffMs)
                s.backoffUntilMs = Self.nowMs() + s.backoffMs
                let w = s.waiters
                s.waiters.removeAll()
                return w
            }
            let e = Self.storageError(error)
            self.logger.warning("PostgreSQL connect failed", metadata: ["error": "\(e.message)"])
            for w in waiters { w.promise.fail(e) }
            throw e
        }
    }

    func release(_ conn: PostgresConnection, healthy: Bool) {
        enum Step { case handOver(Waiter), close, keep }
        let step = state.withLock { s -> Step in
            if healthy, !s.closed, !conn.isClosed {
                if !s.waiters.isEmpty { return .handOver(s.waiters.removeFirst()) }
                s.idle.append(conn)
                return .keep
            }
            s.open -= 1
            return .close
        }
        switch step {
        case .keep: break
        case .handOver(let w): w.promise.succeed(conn)
        case .close:
            conn.closeNow()
            // A waiter may now open a fresh connection in its own acquire.
            let w = state.withLock { s -> Waiter? in s.waiters.isEmpty ? nil : s.waiters.removeFirst() }
            if let w { w.promise.completeWith(acquire(on: w.promise.futureResult.eventLoop, deadline: w.deadline)) }
        }
    }

    /// Closes every idle connection and fails waiters; leased connections close on release.
    func close() {
        let (idle, waiters) = state.withLock { s -> ([PostgresConnection], [Waiter]) in
            s.closed = true
            defer { s.idle.removeAll(); s.waiters.removeAll() }
            return (s.idle, s.waiters)
        }
        for c in idle { c.closeNow() }
        for w in waiters { w.promise.fail(KvError.closedError) }
    }
}

extension PostgresConnection {
    /// Closes without waiting (the future-returning `close`, chosen explicitly). The callback
    /// keeps the connection alive until it is closed: postgres-nio asserts that a connection is
    /// never deinitialised open.
    func closeNow() {
        let done: EventLoopFuture<Void> = self.close()
        done.whenComplete { _ in withExtendedLifetime(self) {} }
    }
}

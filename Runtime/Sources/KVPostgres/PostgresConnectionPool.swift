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
/// - An operation that does not finish within `PostgresKvLimits.operationTimeoutMs` fails with
///   `KvError(.storage)` and its connection is closed (a half-done transaction is rolled back by
///   the server when the socket closes).
/// - A failed connect starts a back-off window (100 ms doubling to 2 s); operations in the window
///   fail at once with `storage`. The first operation after the window tries again, so service
///   resumes by itself when the server is back.
/// - A connection that saw any error is closed instead of returned, so no connection with unknown
///   transaction state is ever reused.
final class PostgresConnectionPool: Sendable {
    struct State {
        var idle: [PostgresConnection] = []
        var open = 0
        var waiters: [EventLoopPromise<PostgresConnection>] = []
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

    /// Runs `body` on a leased connection with the operation timeout (futures only, so a
    /// synchronous caller may block on the result); the connection goes back to
    /// the pool on success and is closed on any failure.
    func withConnectionFuture<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        let loop = group.next()
        return acquire(on: loop).flatMap { conn in
            let promise = conn.eventLoop.makePromise(of: T.self)
            let timeout = conn.eventLoop.scheduleTask(in: .milliseconds(PostgresKvLimits.operationTimeoutMs)) {
                promise.fail(KvError(.storage, "PostgreSQL did not answer within \(PostgresKvLimits.operationTimeoutMs) ms"))
                conn.closeNow()
            }
            body(conn).whenComplete { result in
                timeout.cancel()
                switch result {
                case .success(let v):
                    self.release(conn, healthy: true)
                    promise.succeed(v)
                case .failure(let e):
                    self.release(conn, healthy: false)
                    promise.fail(Self.storageError(e))
                }
            }
            return promise.futureResult
        }
    }

    /// The async form of `withConnectionFuture` for multi-statement transactions: the timeout closes the
    /// connection, which fails the statement in flight and rolls the transaction back.
    func withConnection<T>(_ body: (PostgresConnection) async throws -> T) async throws(KvError) -> T {
        let conn: PostgresConnection
        do { conn = try await acquire(on: group.next()).get() } catch { throw Self.storageError(error) }
        let timedOut = TimeoutFlag()
        let timeout = conn.eventLoop.scheduleTask(in: .milliseconds(PostgresKvLimits.operationTimeoutMs)) {
            timedOut.fired.store(true, ordering: .relaxed)
            conn.closeNow()
        }
        do {
            let v = try await body(conn)
            timeout.cancel()
            release(conn, healthy: true)
            return v
        } catch {
            timeout.cancel()
            release(conn, healthy: false)
            if timedOut.fired.load(ordering: .relaxed) {
                throw KvError(.storage, "PostgreSQL did not answer within \(PostgresKvLimits.operationTimeoutMs) ms")
            }
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

    func acquire(on loop: any EventLoop) -> EventLoopFuture<PostgresConnection> {
        enum Step { case use(PostgresConnection), connect(Int), wait(EventLoopPromise<PostgresConnection>), fail(KvError) }
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
            s.waiters.append(p)
            return .wait(p)
        }
        switch step {
        case .use(let c): return loop.makeSucceededFuture(c)
        case .fail(let e): return loop.makeFailedFuture(e)
        case .wait(let p): return p.futureResult
        case .connect(let id):
            return PostgresConnection.connect(on: loop, configuration: configuration, id: id, logger: logger).map { conn in
                self.state.withLock { $0.backoffMs = 0 }
                return conn
            }.flatMapErrorThrowing { error in
                let waiters = self.state.withLock { s -> [EventLoopPromise<PostgresConnection>] in
                    s.open -= 1
                    s.backoffMs = s.backoffMs == 0 ? PostgresKvLimits.initialBackoffMs : min(s.backoffMs * 2, PostgresKvLimits.maxBackoffMs)
                    s.backoffUntilMs = Self.nowMs() + s.backoffMs
                    let w = s.waiters
                    s.waiters.removeAll()
                    return w
                }
                let e = Self.storageError(error)
                self.logger.warning("PostgreSQL connect failed", metadata: ["error": "\(e.message)"])
                for w in waiters { w.fail(e) }
                throw e
            }
        }
    }

    func release(_ conn: PostgresConnection, healthy: Bool) {
        enum Step { case handOver(EventLoopPromise<PostgresConnection>), close, keep }
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
        case .handOver(let p): p.succeed(conn)
        case .close:
            conn.closeNow()
            // A waiter may now open a fresh connection in its own acquire.
            let w = state.withLock { s -> EventLoopPromise<PostgresConnection>? in s.waiters.isEmpty ? nil : s.waiters.removeFirst() }
            if let w { w.completeWith(acquire(on: w.futureResult.eventLoop)) }
        }
    }

    /// Closes every idle connection and fails waiters; leased connections close on release.
    func close() {
        let (idle, waiters) = state.withLock { s -> ([PostgresConnection], [EventLoopPromise<PostgresConnection>]) in
            s.closed = true
            defer { s.idle.removeAll(); s.waiters.removeAll() }
            return (s.idle, s.waiters)
        }
        for c in idle { c.closeNow() }
        for w in waiters { w.fail(KvError.closedError) }
    }
}

/// Set by an operation's deadline timer, read by the operation when it fails.
final class TimeoutFlag: Sendable {
    let fired = Atomic<Bool>(false)
}

extension PostgresConnection {
    /// Closes without waiting (the future-returning `close`, chosen explicitly). The callback
    /// keeps the connection alive until it is closed: postgres-nio asserts that a connection is
    /// never deinitialised open.
    func closeNow() {
        let done: EventLoopFuture<Void> = self.close()
        done.whenComplete { _ in withExtendedLifetime(self) {} }
    }

    /// One statement, all rows (the future-based `query`, named so async code never picks the
    /// row-sequence overload by accident).
    func run(_ query: PostgresQuery, _ logger: Logger) async throws -> [PostgresRow] {
        let result: EventLoopFuture<PostgresQueryResult> = self.query(query, logger: logger)
        return Array(try await result.get().rows)
    }
}

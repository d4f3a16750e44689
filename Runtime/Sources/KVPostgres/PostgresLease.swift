import KV
import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// One pooled connection leased for one operation, with that operation's deadline.
///
/// Every statement of the operation goes through `run`, which guarantees it ends, with its rows or
/// with `KvError(.storage)`, by the deadline, whatever the connection does:
/// - The statement is written on the connection's own event loop, after checking there that the
///   connection is still open. postgres-nio's `query` writes with a `nil` promise; once the server
///   has closed the socket, NIO has taken postgres-nio's handler out of the pipeline, so a statement
///   written from another thread in that window is dropped and its future never completes. (That was
///   issue 19's hang: a commit transaction whose connection broke between two statements waited
///   forever, and with it every later commit of the instance.) On the connection's loop the check and
///   the write cannot be separated by the close.
/// - A timer at the deadline fails the statement and closes the connection (the server rolls back
///   a half-done transaction when the socket closes).
final class PostgresLease: Sendable {
    let connection: PostgresConnection
    let deadline: NIODeadline
    let logger: Logger
    /// Set when the deadline failed a statement: the operation reports the timeout, not the close.
    let timedOut = Atomic<Bool>(false)

    init(_ connection: PostgresConnection, deadline: NIODeadline, logger: Logger) {
        self.connection = connection
        self.deadline = deadline
        self.logger = logger
    }

    static func timeoutError() -> KvError {
        KvError(.storage, "PostgreSQL did not answer within \(PostgresKvLimits.operationTimeoutMs) ms")
    }

    /// One statement, all rows, by the deadline.
    func run(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await runFuture(query).get()
    }

    /// `run` on futures (for the synchronous read path, which must not need Swift's cooperative pool).
    func runFuture(_ query: PostgresQuery) -> EventLoopFuture<[PostgresRow]> {
        let conn = connection
        let loop = conn.eventLoop
        let promise = loop.makePromise(of: [PostgresRow].self)
        let logger = self.logger
        let deadline = self.deadline
        let lease = self
        loop.execute {
            guard !conn.isClosed else {
                promise.fail(KvError(.storage, "PostgreSQL unavailable: the connection closed"))
                return
            }
            let timer = loop.scheduleTask(deadline: deadline) {
                lease.timedOut.store(true, ordering: .relaxed)
                promise.fail(Self.timeoutError())
                conn.closeNow()
            }
            let result: EventLoopFuture<PostgresQueryResult> = conn.query(query, logger: logger)
            result.whenComplete { r in
                timer.cancel()
                promise.completeWith(r.map { Array($0.rows) })
            }
        }
        return promise.futureResult
    }
}

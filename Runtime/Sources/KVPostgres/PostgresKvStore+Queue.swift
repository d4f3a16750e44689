package import KV
import NIOCore
import PostgresNIO

/// Queues on PostgreSQL: at-least-once delivery, one consumer per message across the fleet.
///
/// - A message is a row of `edge_kv_queue`, inserted by its enqueueing commit (id = that commit's
///   versionstamp + a 2-byte index, so `(ready_at, id)` is FIFO order).
/// - `dequeue` leases the first ready row with `UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP
///   LOCKED)`: two consumers, on any instances, never lease the same row, and neither waits for
///   the other. A row whose lease has expired (its consumer died) is ready again.
/// - Leases last `KvLimits.queueLeaseMs`; housekeeping renews this instance's leases every second
///   while their handlers run.
/// - `finish(success: true)` deletes the row; failure re-queues it after the next backoff delay,
///   or, with no retries left, writes the payload to `keysIfUndelivered` (one commit, with its own
///   versionstamp) and deletes the row.
extension PostgresKvStore {
    package func dequeue() async throws(KvError) -> KvQueueMessage? {
        var failing = false
        while true {
            if isClosed.load(ordering: .relaxed) || Task.isCancelled { return nil }
            do {
                let m = try await leaseOne()
                if failing { logger.info("queue polling resumed") }
                failing = false
                if let m {
                    _ = leased.withLock { $0.insert(m.id) }
                    return m
                }
            } catch where error.code == .closed {
                return nil
            } catch {
                // An outage: keep waiting (listenQueue resumes when the server is back); log once.
                if !failing { logger.warning("queue poll failed; retrying", metadata: ["error": "\(error.message)"]) }
                failing = true
            }
            do { try await Task.sleep(nanoseconds: UInt64(PostgresKvLimits.queuePollMs) * 1_000_000) } catch { return nil }
        }
    }

    func leaseOne() async throws(KvError) -> KvQueueMessage? {
        let now = clock.nowMs()
        return try await pool.withConnection { (conn: PostgresLease) async throws -> KvQueueMessage? in
            let rows = try await conn.run("""
                UPDATE edge_kv_queue SET lease_until = \(now + KvLimits.queueLeaseMs) WHERE id = (
                  SELECT id FROM edge_kv_queue
                  WHERE (lease_until = 0 AND ready_at <= \(now)) OR (lease_until <> 0 AND lease_until < \(now))
                  ORDER BY ready_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING id, payload, keys_if_undelivered, backoff
                """)
            guard let row = rows.first else { return nil }
            let (id, payload, keys, backoff) = try row.decode((ByteBuffer, ByteBuffer, [ByteBuffer], [Int64]).self)
            return KvQueueMessage(
                id: Array(id.readableBytesView), payload: try KvStoredValue(serialized: payload.readableBytesView),
                keysIfUndelivered: keys.map { Array($0.readableBytesView) }, backoffSchedule: backoff.map { Int(clamping: $0) })
        }
    }

    package func finish(_ message: KvQueueMessage, success: Bool) async throws(KvError) {
        defer { _ = leased.withLock { $0.remove(message.id) } }
        if isClosed.load(ordering: .relaxed) { throw .closedError }
        let now = clock.nowMs()
        let id = ByteBuffer(bytes: message.id)
        try await pool.withConnection { (conn: PostgresLease) async throws in
            if success {
                _ = try await conn.run("DELETE FROM edge_kv_queue WHERE id = \(id)")
                return
            }
            if let delay = message.backoffSchedule.first {
                let rest = message.backoffSchedule.dropFirst().map { Int64($0) }
                _ = try await conn.run("""
                    UPDATE edge_kv_queue SET lease_until = 0, ready_at = \(now + Int64(delay)), backoff = \(rest)::int8[] WHERE id = \(id)
                    """)
                try await Self.notify([], queue: true, on: conn)
                return
            }
            let keys = message.keysIfUndelivered.filter { !$0.isEmpty }
            _ = try await conn.run("BEGIN")
            let gone = try await conn.run("DELETE FROM edge_kv_queue WHERE id = \(id) RETURNING id")
            if keys.isEmpty || gone.first == nil {
                _ = try await conn.run("COMMIT")
                return
            }
            let c = try await conn.run("SELECT counter FROM edge_kv_counter WHERE id = 1 FOR UPDATE")
            guard let first = c.first else { throw KvError(.corrupt, "edge_kv_counter has no row") }
            let vs = Versionstamp(counter: UInt64(bitPattern: try first.decode(Int64.self)) + 1)
            var planned = PlannedWrites()
            for k in keys { planned.apply(k, KvStoredRecord(value: message.payload, versionstamp: vs, expireAt: nil)) }
            try await Self.write(planned, counter: vs.counter, on: conn)
            _ = try await conn.run("COMMIT")
        }
    }

    /// Renews the leases of messages this instance's handlers still hold.
    func renewLeases() async {
        let ids = leased.withLock { Array($0) }.map { ByteBuffer(bytes: $0) }
        if ids.isEmpty { return }
        let until = clock.nowMs() + KvLimits.queueLeaseMs
        _ = try? await pool.withConnection { (conn: PostgresLease) async throws in
            _ = try await conn.run("UPDATE edge_kv_queue SET lease_until = \(until) WHERE lease_until <> 0 AND id = ANY(\(ids))")
        }
    }
}

public import KV
import NIOCore
import PostgresNIO

/// The store's background work: the LISTEN connection and housekeeping (watch ticks, expiry
/// sweeps, lease renewal). Both end when the store closes.
extension PostgresKvStore {
    func startBackground() {
        let listen = Task { [weak self] in
            guard let self else { return }
            await self.listenLoop()
        }
        let house = Task { [weak self] in
            while !Task.isCancelled {
                do { try await Task.sleep(nanoseconds: UInt64(PostgresKvLimits.tickMs) * 1_000_000) } catch { return }
                guard let self else { return }
                self.publish(nil)
                await self.renewLeases()
                await self.sweepExpired()
            }
        }
        background.withLock { $0 = [listen, house] }
    }

    /// Keeps one connection LISTENing on `edge_kv`, reconnecting with back-off; after a
    /// reconnect every watcher re-checks (notifications sent meanwhile are lost).
    func listenLoop() async {
        var backoff = PostgresKvLimits.initialBackoffMs
        while !Task.isCancelled && !isClosed.load(ordering: .relaxed) {
            do {
                let conn = try await PostgresConnection.connect(
                    on: group.next(), configuration: pool.configuration, id: 0, logger: logger).get()
                defer { conn.closeNow() }
                backoff = PostgresKvLimits.initialBackoffMs
                conn.addListener(channel: "edge_kv") { [weak self] _, note in self?.received(note.payload) }
                _ = try await PostgresLease(conn, deadline: PostgresConnectionPool.operationDeadline(), logger: logger).run("LISTEN edge_kv")
                publish(nil)
                await withTaskCancellationHandler {
                    try? await conn.closeFuture.get()
                } onCancel: {
                    conn.closeNow()
                }
            } catch {
                logger.debug("LISTEN connection failed", metadata: ["error": "\(error)"])
            }
            do { try await Task.sleep(nanoseconds: UInt64(backoff) * 1_000_000) } catch { return }
            backoff = min(backoff * 2, PostgresKvLimits.maxBackoffMs)
        }
    }

    /// A NOTIFY payload: `k|q` then comma-separated hex keys; no keys means "re-check".
    func received(_ payload: String) {
        let parts = payload.split(separator: ",")
        guard parts.count > 1 else { publish(nil); return }
        var keys: [[UInt8]] = []
        for p in parts.dropFirst() {
            guard let k = Self.unhex(p) else { publish(nil); return }
            keys.append(k)
        }
        publish(keys)
    }

    static func unhex(_ s: Substring) -> [UInt8]? {
        let u = Array(s.utf8)
        guard u.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(u.count / 2)
        var i = 0
        while i < u.count {
            guard let hi = PostgresKvURL.hexValue(u[i]), let lo = PostgresKvURL.hexValue(u[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    /// Deletes up to `sweepBatch` expired rows (they are already invisible: this reclaims space).
    func sweepExpired() async {
        let now = clock.nowMs()
        _ = try? await pool.withConnection { (conn: PostgresLease) async throws in
            _ = try await conn.run("""
                DELETE FROM edge_kv_data WHERE key IN (
                  SELECT key FROM edge_kv_data WHERE expire_at <= \(now) AND expire_at < \(PostgresKvSchema.never) LIMIT \(Int64(PostgresKvLimits.sweepBatch)))
                """)
        }
    }

    /// Empties every table and resets the counter: for test harnesses that reuse one database
    /// per case (the conformance runner). Never called by `edge`.
    public func eraseAllDataForTesting() async throws(KvError) {
        try await pool.withConnection { (conn: PostgresLease) async throws in
            _ = try await conn.run("TRUNCATE edge_kv_data, edge_kv_queue")
            _ = try await conn.run("UPDATE edge_kv_counter SET counter = 0 WHERE id = 1")
        }
    }
}

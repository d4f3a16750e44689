public import KV
import NIOCore
import PostgresNIO

/// Commits waiting for the instance's next transaction (group commit).
struct CommitBatch {
    struct Pending {
        let request: KvCommitRequest
        let continuation: CheckedContinuation<Result<Versionstamp?, KvError>, Never>
    }
    var pending: [Pending] = []
    var running = false
    var statistics = PostgresGroupCommitStatistics()
}

/// What one transaction wrote: rows to upsert and delete, messages to insert, keys to announce.
struct PlannedWrites {
    var records: [[UInt8]: KvStoredRecord?] = [:]
    var touched: [[UInt8]] = []
    var enqueues: [(id: [UInt8], enqueue: KvCommitRequest.Enqueue)] = []

    /// Records the final state of `key` (nil: deleted), remembering first-touch order.
    mutating func apply(_ key: [UInt8], _ record: KvStoredRecord?) {
        if records.index(forKey: key) == nil { touched.append(key) }
        records[key] = .some(record)
    }
}

extension PostgresKvStore {
    package func commit(_ request: KvCommitRequest) async throws(KvError) -> Versionstamp? {
        if isClosed.load(ordering: .relaxed) { throw .closedError }
        let result = await withCheckedContinuation { (c: CheckedContinuation<Result<Versionstamp?, KvError>, Never>) in
            let start = batcher.withLock { b -> Bool in
                b.pending.append(CommitBatch.Pending(request: request, continuation: c))
                if b.running { return false }
                b.running = true
                return true
            }
            if start { Task { await self.drainBatches() } }
        }
        return try result.get()
    }

    /// Runs transactions until no commit is waiting; commits that arrive meanwhile form the next batch.
    func drainBatches() async {
        while true {
            let batch = batcher.withLock { b -> [CommitBatch.Pending] in
                let n = min(b.pending.count, PostgresKvLimits.maxBatch)
                let taken = Array(b.pending.prefix(n))
                b.pending.removeFirst(n)
                if taken.isEmpty { b.running = false }
                return taken
            }
            if batch.isEmpty { return }
            let started = ContinuousClock.now
            do {
                let results = try await runBatch(batch.map(\.request))
                for (p, r) in zip(batch, results) { p.continuation.resume(returning: r) }
            } catch {
                for p in batch { p.continuation.resume(returning: .failure(error)) }
            }
            let took = started.duration(to: .now).components
            batcher.withLock { b in
                b.statistics.transactions += 1
                b.statistics.commits += batch.count
                b.statistics.largestBatch = max(b.statistics.largestBatch, batch.count)
                b.statistics.transactionNanoseconds += UInt64(max(0, took.seconds)) &* 1_000_000_000 &+ UInt64(max(0, took.attoseconds / 1_000_000_000))
            }
        }
    }

    /// Group commit's counters so far.
    public var groupCommitStatistics: PostgresGroupCommitStatistics { batcher.withLock { $0.statistics } }

    /// One transaction for `requests`: lock the counter, read every key they check or modify,
    /// plan each in order against the running state, write the union of effects, commit.
    func runBatch(_ requests: [KvCommitRequest]) async throws(KvError) -> [Result<Versionstamp?, KvError>] {
        let now = clock.nowMs()
        var keys = Set<[UInt8]>()
        for r in requests {
            for c in r.checks { keys.insert(c.key) }
            for m in r.mutations { if case .setVersionstampedKey = m.kind {} else { keys.insert(m.key) } }
        }
        let readKeys = keys.map { ByteBuffer(bytes: $0) }
        return try await pool.withConnection { (conn: PostgresLease) async throws -> [Result<Versionstamp?, KvError>] in
            _ = try await conn.run("BEGIN")
            let counterRow = try await conn.run("SELECT counter FROM edge_kv_counter WHERE id = 1 FOR UPDATE")
            guard let first = counterRow.first else { throw KvError(.corrupt, "edge_kv_counter has no row") }
            let base = UInt64(bitPattern: try first.decode(Int64.self))
            var state: [[UInt8]: KvStoredRecord] = [:]
            if !readKeys.isEmpty {
                let rows = try await conn.run("SELECT key, value, versionstamp, expire_at FROM edge_kv_data WHERE key = ANY(\(readKeys))")
                for row in rows {
                    let (k, v, vs, exp) = try row.decode((ByteBuffer, ByteBuffer, Int64, Int64).self)
                    state[Array(k.readableBytesView)] = KvStoredRecord(
                        value: try KvStoredValue(serialized: v.readableBytesView), versionstamp: Versionstamp(counter: UInt64(bitPattern: vs)),
                        expireAt: exp == PostgresKvSchema.never ? nil : exp)
                }
            }
            var counter = base
            var planned = PlannedWrites()
            var results: [Result<Versionstamp?, KvError>] = []
            for r in requests {
                let candidate = Versionstamp(counter: counter + 1)
                do {
                    let outcome = try KvWritePlanner.plan(r, versionstamp: candidate, nowMs: now) { (k: [UInt8]) throws(KvError) -> KvStoredRecord? in
                        if let o = planned.records[k] { return o }
                        return state[k]
                    }
                    guard case .writes(let writes) = outcome else { results.append(.success(nil)); continue }
                    counter += 1
                    for w in writes { planned.apply(w.key, w.record) }
                    for (i, e) in r.enqueues.enumerated() { planned.enqueues.append((candidate.bytes + [UInt8(i >> 8), UInt8(i & 0xFF)], e)) }
                    results.append(.success(candidate))
                } catch let e as KvError {
                    results.append(.failure(e))
                } catch {
                    results.append(.failure(KvError(.storage, "\(error)")))
                }
            }
            if counter == base {
                _ = try await conn.run("ROLLBACK")
                return results
            }
            try await Self.write(planned, counter: counter, on: conn)
            _ = try await conn.run("COMMIT")
            return results
        }
    }

    /// Applies `planned` and the new counter inside the open transaction on `conn`, and queues the
    /// NOTIFY that watchers on every instance receive after COMMIT.
    static func write(_ planned: PlannedWrites, counter: UInt64, on conn: PostgresLease) async throws {
        var upKeys: [ByteBuffer] = [], upValues: [ByteBuffer] = [], upStamps: [Int64] = [], upExpiry: [Int64] = []
        var deletes: [ByteBuffer] = []
        for k in planned.touched {
            guard let rec = planned.records[k] else { continue }
            if let rec {
                upKeys.append(ByteBuffer(bytes: k))
                upValues.append(ByteBuffer(bytes: rec.value.serialized))
                upStamps.append(Int64(bitPattern: rec.versionstamp.counter))
                upExpiry.append(rec.expireAt ?? PostgresKvSchema.never)
            } else {
                deletes.append(ByteBuffer(bytes: k))
            }
        }
        if !deletes.isEmpty {
            _ = try await conn.run("DELETE FROM edge_kv_data WHERE key = ANY(\(deletes))")
        }
        if !upKeys.isEmpty {
            _ = try await conn.run("""
                INSERT INTO edge_kv_data (key, value, versionstamp, expire_at)
                SELECT * FROM unnest(\(upKeys)::bytea[], \(upValues)::bytea[], \(upStamps)::int8[], \(upExpiry)::int8[])
                ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, versionstamp = EXCLUDED.versionstamp, expire_at = EXCLUDED.expire_at
                """)
        }
        for (id, e) in planned.enqueues {
            let keys = e.keysIfUndelivered.map { ByteBuffer(bytes: $0) }
            let backoff = e.backoffSchedule.map { Int64($0) }
            _ = try await conn.run("""
                INSERT INTO edge_kv_queue (id, ready_at, payload, keys_if_undelivered, backoff)
                VALUES (\(ByteBuffer(bytes: id)), \(e.readyAt), \(ByteBuffer(bytes: e.payload.serialized)), \(keys)::bytea[], \(backoff)::int8[])
                """)
        }
        _ = try await conn.run("UPDATE edge_kv_counter SET counter = \(Int64(bitPattern: counter)) WHERE id = 1")
        try await notify(planned.touched, queue: !planned.enqueues.isEmpty, on: conn)
    }

    /// `NOTIFY edge_kv` with the changed keys as comma-separated hex (empty: "re-check everything",
    /// used when they do not fit); a leading `q,` wakes queue consumers.
    static func notify(_ keys: [[UInt8]], queue: Bool, on conn: PostgresLease) async throws {
        var payload = queue ? "q" : "k"
        for k in keys {
            payload += "," + Self.hex(k)
            if payload.utf8.count > PostgresKvLimits.maxNotifyPayload { payload = queue ? "q" : "k"; break }
        }
        if keys.isEmpty && !queue { return }
        _ = try await conn.run("SELECT pg_notify('edge_kv', \(payload))")
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0xF)]) }
        return String(decoding: out, as: UTF8.self)
    }

    public func deleteRange(start: [UInt8], end: [UInt8]) async throws(KvError) -> Int {
        if isClosed.load(ordering: .relaxed) { throw .closedError }
        let now = clock.nowMs()
        return try await pool.withConnection { (conn: PostgresLease) async throws -> Int in
            _ = try await conn.run("BEGIN")
            let c = try await conn.run("SELECT counter FROM edge_kv_counter WHERE id = 1 FOR UPDATE")
            guard let first = c.first else { throw KvError(.corrupt, "edge_kv_counter has no row") }
            let counter = try first.decode(Int64.self)
            let rows = try await conn.run("""
                DELETE FROM edge_kv_data WHERE key >= \(ByteBuffer(bytes: start)) AND key < \(ByteBuffer(bytes: end))
                RETURNING key, expire_at > \(now)
                """)
            var live = 0
            var keys: [[UInt8]] = []
            for row in rows {
                let (k, isLive) = try row.decode((ByteBuffer, Bool).self)
                keys.append(Array(k.readableBytesView))
                if isLive { live += 1 }
            }
            if keys.isEmpty {
                _ = try await conn.run("ROLLBACK")
                return 0
            }
            _ = try await conn.run("UPDATE edge_kv_counter SET counter = \(counter &+ 1) WHERE id = 1")
            try await Self.notify(keys, queue: false, on: conn)
            _ = try await conn.run("COMMIT")
            return live
        }
    }
}

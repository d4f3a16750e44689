internal import CLMDB
import KV
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A unit of work for the writer thread: `run` executes inside a batch transaction, `complete`
/// is called once the batch is durable (nil) or has failed (the error).
final class WriteJob: @unchecked Sendable {
    let run: (borrowing LMDBWriteTxn) throws(KvError) -> Void
    let complete: (KvError?) -> Void
    init(run: @escaping (borrowing LMDBWriteTxn) throws(KvError) -> Void, complete: @escaping (KvError?) -> Void) {
        self.run = run
        self.complete = complete
    }
}

/// The single writer thread: owns every LMDB write transaction of this process.
///
/// Group commit: jobs submitted while a batch is being written and flushed queue up and are then
/// run together in one LMDB transaction; each job still gets its own versionstamp(s) and its own
/// all-or-nothing outcome (a job that throws is excluded, as it writes nothing before
/// validating). On MDB_MAP_FULL the batch is aborted, the map doubled (up to `maxMapSize`) and
/// the batch re-run; beyond that every job fails with a clear `mapFull` error. Between batches
/// the thread runs timers: the expiry sweeper and queue lease upkeep.
///
/// One flush per batch, acknowledgement after the next flush (Docs/Decisions/0026): the
/// environment is open with MDB_NOMETASYNC, so `mdb_txn_commit` does `fdatasync` (the batch's
/// pages, and every meta page written before) and then writes its own meta page without a flush.
/// A batch is therefore acknowledged (its jobs completed, its keys published to watchers) only
/// once a later `fdatasync` has finished: the next batch's commit if more jobs are queued (its
/// flush does double duty), else an explicit `mdb_env_sync` right away. Nothing is acknowledged
/// before its meta page is on disk; a batch's writes are visible to readers of this and other
/// processes between its commit and that flush (at most one flush), as in any LMDB commit.
/// If that flush fails, the batch's jobs fail with the error: their writes are committed but
/// not known to be durable (an unknown outcome, like a lost reply).
final class LMDBWriter: @unchecked Sendable {
    private let env: LMDBEnvironment
    private let lock = CondLock()
    private var pending: [WriteJob] = []
    private var stopping = false
    private var stopped = false
    private let maxBatch = 4096
    /// Number of durable batches (group commits) so far.
    let batches = Atomic<Int>(0)
    /// Number of finished flushes so far: commits that wrote pages (LMDB's `fdatasync` inside
    /// `mdb_txn_commit`) and explicit `mdb_env_sync` calls. A batch's jobs complete only after this
    /// has grown past the flush of the batch's own commit.
    let flushes = Atomic<Int>(0)
    /// Committed batches whose meta page may not be on disk yet (writer thread only).
    private var unflushed: [CommittedBatch] = []
    private var thread: pthread_t?
    private let exited = CondLock()
    private var hasExited = false
    /// Called on the writer thread after each durable batch with the changed keys.
    var onCommit: (@Sendable (_ changed: [[UInt8]], _ enqueued: Bool) -> Void)?
    /// Called on the writer thread when idle, at least every `tickMs`; returns jobs to run.
    var onTick: (() -> [WriteJob])?
    var tickMs: Int64 = 200

    init(env: LMDBEnvironment) { self.env = env }

    func start() {
        let box = Unmanaged.passRetained(self)
        var attr = pthread_attr_t()
        pthread_attr_init(&attr)
        var t = pthread_t()
        pthread_create(&t, &attr, { arg in
            let w = Unmanaged<LMDBWriter>.fromOpaque(arg!).takeRetainedValue()
            w.loop()
            return nil
        }, box.toOpaque())
        pthread_attr_destroy(&attr)
        thread = t
        pthread_detach(t)
    }

    /// Queues a job; fails it immediately if the writer has stopped.
    func submit(_ job: WriteJob) {
        let accepted = lock.withLock { () -> Bool in
            if stopping { return false }
            pending.append(job)
            lock.signal()
            return true
        }
        if !accepted { job.complete(KvError.closedError) }
    }

    /// Runs `body` in the next batch and returns its result once the batch is durable.
    func perform<T: Sendable>(_ body: @escaping (borrowing LMDBWriteTxn) throws(KvError) -> T) async throws(KvError) -> T {
        let box = ResultBox<T>()
        do {
            return try await withCheckedThrowingContinuation { (cont: CheckedContinuation<T, any Error>) in
                submit(WriteJob(run: { (txn: borrowing LMDBWriteTxn) throws(KvError) in box.value = try body(txn) },
                                complete: { error in
                                    if let error { cont.resume(throwing: error) } else { cont.resume(returning: box.value!) }
                                }))
            }
        } catch let e as KvError {
            throw e
        } catch {
            throw KvError(.storage, "\(error)")
        }
    }

    /// Stops after draining queued jobs; blocks until the thread has exited.
    func stop() {
        lock.withLock {
            stopping = true
            lock.signal()
        }
        exited.withLock {
            while !hasExited { exited.wait(timeoutMs: 100) }
        }
    }

    private func loop() {
        var nextTick = KvClock.nowMs() + tickMs
        while true {
            var batch: [WriteJob] = []
            var exit = false
            lock.withLock {
                // With batches waiting for a flush, an empty queue means "flush now", not "sleep".
                while pending.isEmpty && !stopping && unflushed.isEmpty {
                    let wait = nextTick - KvClock.nowMs()
                    if wait <= 0 { break }
                    lock.wait(timeoutMs: wait)
                }
                let n = Swift.min(pending.count, maxBatch)
                batch = Array(pending.prefix(n))
                pending.removeFirst(n)
                exit = stopping && pending.isEmpty && batch.isEmpty
            }
            if batch.isEmpty && !unflushed.isEmpty {
                flushAndAcknowledge()
                continue
            }
            if exit { break }
            if KvClock.nowMs() >= nextTick {
                nextTick = KvClock.nowMs() + tickMs
                if let tick = onTick?(), !tick.isEmpty { batch += tick }
            }
            if !batch.isEmpty { runBatch(batch) }
        }
        exited.withLock {
            hasExited = true
            exited.signal()
        }
    }

    private func runBatch(_ jobs: [WriteJob]) {
        var attempt = 0
        while true {
            attempt += 1
            switch runOnce(jobs) {
            case .committed(let batch, let flushedBefore):
                // A commit that wrote the version counter flushed before writing its meta page:
                // every batch committed earlier is on disk now.
                if flushedBefore {
                    acknowledge(unflushed)
                    unflushed.removeAll()
                }
                unflushed.append(batch)
                return
            case .failed(let e) where e.isMapFull && attempt < 40:
                let current = env.currentMapSize
                let next = Swift.min(current * 2, env.maxMapSize)
                if next <= current {
                    for job in jobs { job.complete(KvError(e)) }
                    return
                }
                do { try env.setMapSize(next) } catch {
                    for job in jobs { job.complete(error) }
                    return
                }
            case .failed(let e) where e.isMapResized && attempt < 40:
                do { try env.adoptMapSize() } catch {
                    for job in jobs { job.complete(error) }
                    return
                }
            case .failed(let e):
                for job in jobs { job.complete(KvError(e)) }
                return
            }
        }
    }

    /// A committed batch waiting for its acknowledgement.
    private struct CommittedBatch {
        let jobs: [WriteJob]
        let errors: [KvError?]
        let changed: [[UInt8]]
        let enqueued: Bool
    }

    private enum BatchOutcome {
        /// `flushedBefore`: the commit wrote pages, so LMDB ran `fdatasync` before writing its meta page.
        case committed(CommittedBatch, flushedBefore: Bool)
        case failed(LMDBError)
    }

    /// `fdatasync`, then acknowledges every unflushed batch (or fails its jobs if the flush failed).
    private func flushAndAcknowledge() {
        let batches = unflushed
        unflushed.removeAll()
        let rc = env.isClosed ? EINVAL : env.gate.shared { mdb_env_sync(env.env, 1) }
        if rc == 0 { flushes.add(1, ordering: .relaxed) }
        if rc != 0 {
            let error = KvError(LMDBError(code: rc, context: "mdb_env_sync"))
            for b in batches { for job in b.jobs { job.complete(error) } }
            return
        }
        acknowledge(batches)
    }

    /// Completes the jobs of durable batches and publishes their changes, oldest first.
    private func acknowledge(_ batches: [CommittedBatch]) {
        for b in batches {
            for (job, err) in zip(b.jobs, b.errors) { job.complete(err) }
            onCommit?(b.changed, b.enqueued)
        }
    }

    private func runOnce(_ jobs: [WriteJob]) -> BatchOutcome {
        if env.isClosed { return .failed(LMDBError(code: EINVAL, context: "closed")) }
        var raw: OpaquePointer?
        let rc = env.gate.shared { mdb_txn_begin(env.env, nil, 0, &raw) }
        if rc != 0 { return .failed(LMDBError(code: rc, context: "mdb_txn_begin(write)")) }
        let txn = raw!
        let state: BatchState
        do {
            let v = try LMDBTxn(raw: txn, readOnly: false).get(env.dbs.meta, Array("version".utf8))
            state = BatchState(counter: v.map { RecordCodec.readBEUInt64($0) } ?? 0)
        } catch {
            mdb_txn_abort(txn)
            return .failed(error)
        }
        var errors: [KvError?] = []
        errors.reserveCapacity(jobs.count)
        let w = LMDBWriteTxn(txn: LMDBTxn(raw: txn, readOnly: false), dbs: env.dbs, state: state)
        for job in jobs {
            do {
                try job.run(w)
                errors.append(nil)
            } catch {
                if let f = state.fatal {
                    mdb_txn_abort(txn)
                    return .failed(f)
                }
                errors.append(error)
            }
        }
        if state.counterDirty {
            do {
                try w.txn.put(env.dbs.meta, Array("version".utf8), RecordCodec.beUInt64(state.counter))
            } catch {
                mdb_txn_abort(txn)
                return .failed(error)
            }
        }
        let committing = ContinuousClock.now
        let crc = env.gate.shared { mdb_txn_commit(txn) }
        if crc != 0 { return .failed(LMDBError(code: crc, context: "mdb_txn_commit")) }
        let (secs, atto) = (ContinuousClock.now - committing).components
        LMDBMetrics.fsync.recordNanoseconds(secs &* 1_000_000_000 &+ atto / 1_000_000_000)
        LMDBMetrics.batchSize.record(jobs.count)
        LMDBMetrics.storeBytes.record(env.usedBytes)
        batches.add(1, ordering: .relaxed)
        if state.counterDirty { flushes.add(1, ordering: .relaxed) }
        if let e = state.earliestExpiry { earliestExpiry.withLock { $0 = Swift.min($0 ?? e, e) } }
        return .committed(CommittedBatch(jobs: jobs, errors: errors, changed: state.changed, enqueued: state.enqueued),
                          flushedBefore: state.counterDirty)
    }

    /// Earliest expiry written since the sweeper last looked (a hint to sweep soon).
    let earliestExpiry = Mutex<Int64?>(nil)
}

final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}

public import Cron
public import KV

/// The cron lease in KV: exactly one run per tick across every `edge` process sharing a data directory.
///
/// Key `["__edge","cron","lease",path]` holds `{tick, held, expiresAt}`. `acquire` wins only for a tick
/// newer than the stored one and only while no earlier tick is still held, by an atomic check on the
/// record's versionstamp; a process that dies holding a lease loses it after the job's hold limit
/// (``holdLimitMs(for:maxDuration:)``: as long as a run can last, or ``holdLimitMs`` when that is unbounded).
public struct KVCronLease: CronLease {
    /// The hold limit of a job whose function has no `maxDuration`.
    public static let holdLimitMs: Int64 = 30 * 60 * 1000
    /// Added to a run's longest duration, for the scheduler's own work around it.
    public static let holdMarginMs: Int64 = 10_000
    let kv: Kv
    let holdLimitsMs: [String: Int64]

    /// `holdLimitsMs`: per job path, how long a held lease lasts (others: ``holdLimitMs``).
    public init(kv: Kv, holdLimitsMs: [String: Int64] = [:]) {
        self.kv = kv
        self.holdLimitsMs = holdLimitsMs
    }

    /// How long `job`'s lease is held at most: every attempt at its function's `maxDuration` plus the
    /// backoff between them, plus ``holdMarginMs``; ``holdLimitMs`` when the function has no `maxDuration`.
    /// An instance killed mid-run (kill -9) thus blocks the job's next ticks for no longer than a run
    /// could have lasted.
    public static func holdLimitMs(for job: CronJob, maxDuration: Duration?) -> Int64 {
        guard let maxDuration else { return holdLimitMs }
        let attempts = Int64(1 + job.backoffSchedule.count)
        let backoff = job.backoffSchedule.reduce(Int64(0)) { $0 + CronRunRecord.milliseconds($1) }
        return attempts * CronRunRecord.milliseconds(maxDuration) + backoff + holdMarginMs
    }

    static func key(_ job: String) -> KvKey { ["__edge", "cron", "lease", .string(job)] }

    public func acquire(job: String, tick: CronInstant) async throws -> Bool {
        let t = Double(tick.secondsSinceEpoch)
        for _ in 0..<16 {
            let entry = try await kv.get(Self.key(job))
            let now = KvClock.nowMs()
            if let v = entry.value, case .number(let stored)? = v[member: "tick"] {
                if stored >= t { return false }
                if case .bool(true)? = v[member: "held"], case .number(let exp)? = v[member: "expiresAt"], Int64(exp) > now { return false }
            }
            let hold = holdLimitsMs[job] ?? Self.holdLimitMs
            let record: KvValue = .object([.init("tick", .number(t)), .init("held", true), .init("expiresAt", .number(Double(now + hold)))])
            if case .ok = try await kv.atomic().check(Self.key(job), versionstamp: entry.versionstamp).set(Self.key(job), record).commit() {
                return true
            }
        }
        return false
    }

    public func release(job: String, tick: CronInstant) async {
        let t = Double(tick.secondsSinceEpoch)
        for _ in 0..<16 {
            guard let entry = try? await kv.get(Self.key(job)), let v = entry.value,
                  case .number(let stored)? = v[member: "tick"], stored == t else { return }
            let record: KvValue = .object([.init("tick", .number(t)), .init("held", false), .init("expiresAt", .number(0))])
            if case .ok? = try? await kv.atomic().check(Self.key(job), versionstamp: entry.versionstamp).set(Self.key(job), record).commit() { return }
        }
    }
}

/// Cron run records in KV under `["__edge","cron","runs",path,startedAtMs]`, the newest
/// ``CronLimits/runsKeptPerJob`` per job kept (older ones deleted; all expire after 30 days).
public struct KVCronRunStore: CronRunStore {
    static let keepMs = 30 * 24 * 3_600_000
    let kv: Kv

    public init(kv: Kv) { self.kv = kv }

    static func prefix(_ path: String) -> KvKey { ["__edge", "cron", "runs", .string(path)] }

    public func record(_ run: CronRunRecord) async throws {
        let ms = Double(run.startedAt.secondsSinceEpoch) * 1000 + Double(run.startedAt.subsecond.components.attoseconds / 1_000_000_000_000_000)
        try await kv.set(Self.prefix(run.path) + [.number(ms)], encoding: run, expireIn: Self.keepMs)
        var older: [KvKey] = []
        var n = 0
        for try await e in try kv.listKeys(.prefix(Self.prefix(run.path)), options: KvListOptions(reverse: true)) {
            n += 1
            if n > CronLimits.runsKeptPerJob { older.append(e.key) }
        }
        if !older.isEmpty {
            let op = kv.atomic()
            for k in older.prefix(KvLimits.maxMutations) { op.delete(k) }
            _ = try await op.commit()
        }
    }

    public func lastRuns(path: String, limit: Int) async throws -> [CronRunRecord] {
        var out: [CronRunRecord] = []
        for try await e in try kv.list(.prefix(Self.prefix(path)), options: KvListOptions(limit: limit, reverse: true)) {
            if let r = try e.decode(as: CronRunRecord.self) { out.append(r) }
        }
        return out
    }
}

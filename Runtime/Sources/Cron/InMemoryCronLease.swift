import Synchronization

/// A ``CronLease`` for schedulers in one process (and for tests): share one instance between
/// schedulers to get one run per tick among them. Held leases never expire (a process cannot
/// die while keeping its own memory).
public final class InMemoryCronLease: CronLease {
    private struct JobState {
        var lastAcquired: CronInstant
        var held: Bool
    }

    private let jobs = Mutex<[String: JobState]>([:])

    public init() {}

    public func acquire(job: String, tick: CronInstant) async throws -> Bool {
        jobs.withLock { jobs in
            if let state = jobs[job], state.held || tick <= state.lastAcquired { return false }
            jobs[job] = JobState(lastAcquired: tick, held: true)
            return true
        }
    }

    public func release(job: String, tick: CronInstant) async {
        jobs.withLock { jobs in
            if jobs[job]?.lastAcquired == tick { jobs[job]?.held = false }
        }
    }
}

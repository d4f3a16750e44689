import Synchronization

/// A ``CronRunStore`` in memory, keeping the last ``CronLimits/runsKeptPerJob`` records per job.
public final class InMemoryCronRunStore: CronRunStore {
    private let runs = Mutex<[String: [CronRunRecord]]>([:])
    private let capacity: Int

    public init(capacity: Int = CronLimits.runsKeptPerJob) {
        self.capacity = max(capacity, 1)
    }

    public func record(_ run: CronRunRecord) async throws {
        runs.withLock { runs in
            var list = runs[run.path, default: []]
            list.insert(run, at: 0)
            if list.count > capacity { list.removeLast(list.count - capacity) }
            runs[run.path] = list
        }
    }

    public func lastRuns(path: String, limit: Int) async throws -> [CronRunRecord] {
        runs.withLock { Array($0[path, default: []].prefix(max(limit, 0))) }
    }

    /// Every record of every job, newest first per job (a test convenience).
    public var allRecords: [CronRunRecord] {
        runs.withLock { $0.values.flatMap { $0 } }
    }
}

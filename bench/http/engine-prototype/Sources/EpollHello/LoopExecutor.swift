import Glibc
import Synchronization

/// The loop's thread as a Swift task executor: jobs enqueued from the loop's own thread go to a plain
/// array the loop drains after each batch of socket events; jobs from other threads go through a lock
/// and wake the loop with its eventfd.
final class LoopExecutor: TaskExecutor, @unchecked Sendable {
    private var local: [UnownedJob] = []
    private let remote = Mutex<[UnownedJob]>([])
    private let owner: pthread_t
    let wakeFD: Int32

    init(owner: pthread_t, wakeFD: Int32) {
        self.owner = owner
        self.wakeFD = wakeFD
        local.reserveCapacity(256)
    }

    var hasLocalJobs: Bool { !local.isEmpty }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        if pthread_equal(pthread_self(), owner) != 0 {
            local.append(job)
        } else {
            remote.withLock { $0.append(job) }
            var one: UInt64 = 1
            _ = write(wakeFD, &one, 8)
        }
    }

    /// Runs every queued job, including those the jobs enqueue.
    func runJobs() {
        let moved = remote.withLock { jobs -> [UnownedJob] in
            defer { jobs.removeAll() }
            return jobs
        }
        local.append(contentsOf: moved)
        var i = 0
        while i < local.count {
            let job = local[i]
            i += 1
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
        local.removeAll(keepingCapacity: true)
    }
}

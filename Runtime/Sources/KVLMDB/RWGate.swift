#if canImport(Glibc)
import Glibc
#endif

/// A readers-writer lock: LMDB transactions of this process hold it shared; map resizing and
/// closing hold it exclusively (LMDB requires no active transactions in the process for
/// `mdb_env_set_mapsize` and `mdb_env_close`).
final class RWGate: @unchecked Sendable {
    private let lock = UnsafeMutablePointer<pthread_rwlock_t>.allocate(capacity: 1)

    init() { pthread_rwlock_init(lock, nil) }
    deinit {
        pthread_rwlock_destroy(lock)
        lock.deallocate()
    }

    @inline(__always) func shared<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        pthread_rwlock_rdlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }

    @inline(__always) func exclusive<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        pthread_rwlock_wrlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }
}

/// A mutex with a condition variable, for the writer thread's queue.
final class CondLock: @unchecked Sendable {
    private let m = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let c = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(m, nil)
        var attr = pthread_condattr_t()
        pthread_condattr_init(&attr)
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC)
        pthread_cond_init(c, &attr)
        pthread_condattr_destroy(&attr)
    }

    deinit {
        pthread_cond_destroy(c)
        pthread_mutex_destroy(m)
        m.deallocate()
        c.deallocate()
    }

    func withLock<R>(_ body: () throws -> R) rethrows -> R {
        pthread_mutex_lock(m)
        defer { pthread_mutex_unlock(m) }
        return try body()
    }

    /// Waits (lock held) until signalled or `timeoutMs` elapsed.
    func wait(timeoutMs: Int64) {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        let ns = Int64(ts.tv_nsec) + (timeoutMs % 1000) * 1_000_000
        ts.tv_sec += Int(timeoutMs / 1000) + Int(ns / 1_000_000_000)
        ts.tv_nsec = Int(ns % 1_000_000_000)
        pthread_cond_timedwait(c, m, &ts)
    }

    func signal() { pthread_cond_signal(c) }
}

#if canImport(Glibc)
import Glibc
#endif

/// Blocking calls (`waitpid`, `read` on the ready pipe) on a thread of their own, off Swift's
/// cooperative pool.
enum DetachedThread {
    static func run(_ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Job(body))
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { arg in
            Unmanaged<Job>.fromOpaque(arg!).takeRetainedValue().body()
            return nil
        }, box.toOpaque())
        if rc == 0 { pthread_detach(thread) } else { box.release(); body() }
    }

    private final class Job: Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// A detached POSIX thread running one closure: for work that must not run on an event loop or in the
/// Swift concurrency pool (``CPUWork``, ``StagedFileHasher``).
enum DetachedThread {
    /// Starts `body` on a new detached thread; false (and `body` not run) when no thread can be made.
    static func start(_ body: @escaping @Sendable () -> Void) -> Bool {
        let box = Unmanaged.passRetained(Body(body))
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { arg in
            guard let arg else { return nil }
            Unmanaged<Body>.fromOpaque(arg).takeRetainedValue().body()
            return nil
        }, box.toOpaque())
        guard rc == 0 else {
            box.release()
            return false
        }
        pthread_detach(thread)
        return true
    }

    private final class Body: Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
}

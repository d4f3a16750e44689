#if canImport(Glibc)
import Glibc
#endif

extension RawHTTP {
    /// Runs blocking socket code (``RawHTTP``'s calls) on a thread of its own and awaits its result.
    /// On Swift's cooperative pool (as many threads as cores) a blocked call would starve the
    /// in-process server it talks to, and every other test running beside it.
    public static func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let job = Unmanaged.passRetained(ThreadJob { continuation.resume(with: Result { try body() }) })
            var thread = pthread_t()
            let rc = pthread_create(&thread, nil, { arg in
                Unmanaged<ThreadJob>.fromOpaque(arg!).takeRetainedValue().run()
                return nil
            }, job.toOpaque())
            if rc == 0 {
                pthread_detach(thread)
            } else {
                job.release()
                continuation.resume(throwing: Failure(description: "pthread_create failed: \(rc)"))
            }
        }
    }
}

/// Work for a thread of its own.
private final class ThreadJob: @unchecked Sendable {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}

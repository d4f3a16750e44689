import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// CPU-bound work (decoding an image, running a detector) on threads of its own.
///
/// Handlers run on their connection's event loop (Decisions 0004 and 0005): a handler that computes for
/// 50 ms stalls every other connection of that loop for 50 ms. ``run(_:)`` moves the computation to a
/// dedicated thread and suspends the caller until it is done. At most ``EdgeLimits/cpuWorkThreads``
/// computations run at once; the others wait in arrival order, so a burst of uploads queues instead of
/// taking every core from the event loops (and the memory each decode holds stays bounded).
///
/// - Important: the work is not cancelled with the calling task (a C decoder cannot be interrupted);
///   keep each piece bounded. The caller's result is delivered when the work ends.
public enum CPUWork {
    private static let gate = Gate(permits: EdgeLimits.cpuWorkThreads)

    /// Runs `body` on a dedicated thread and returns its result (or rethrows its error).
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        await gate.acquire()
        defer { gate.release() }
        return try await withCheckedThrowingContinuation { (c: CheckedContinuation<T, any Error>) in
            let run: @Sendable () -> Void = { c.resume(with: Result { try body() }) }
            if !DetachedThread.start(run) { run() }
        }
    }

    /// A counting semaphore whose waiters suspend (first come, first served).
    private final class Gate: Sendable {
        private let state: Mutex<(available: Int, waiters: [CheckedContinuation<Void, Never>])>

        init(permits: Int) { state = Mutex((max(1, permits), [])) }

        func acquire() async {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let now = state.withLock { s -> Bool in
                    if s.available > 0 { s.available -= 1; return true }
                    s.waiters.append(c)
                    return false
                }
                if now { c.resume() }
            }
        }

        func release() {
            let next = state.withLock { s -> CheckedContinuation<Void, Never>? in
                if s.waiters.isEmpty { s.available += 1; return nil }
                return s.waiters.removeFirst()
            }
            next?.resume()
        }
    }
}

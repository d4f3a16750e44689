import Synchronization

/// Enforces functions' `maxDuration` without a timer per request: handlers run in their own task, which
/// is registered with one shared watchdog; every ``tick`` the watchdog cancels the tasks whose deadline
/// passed. A handler that was cancelled because its deadline passed is answered 504.
/// (Precision: ``tick``. A handler that ignores cancellation is answered when it returns.)
enum Deadline {
    struct Exceeded: Error {}

    static func run<T: Sendable>(until deadline: ContinuousClock.Instant?, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        guard let deadline else { return try await body() }
        let task = Task { try await body() }
        let token = Watchdog.shared.register(deadline: deadline, cancel: { task.cancel() })
        let result = await withTaskCancellationHandler {
            await task.result
        } onCancel: {
            task.cancel()
        }
        Watchdog.shared.remove(token)
        switch result {
        case .success(let v): return v
        case .failure(let e):
            if ContinuousClock.now >= deadline && !Task.isCancelled { throw Exceeded() }
            throw e
        }
    }

    final class Watchdog: Sendable {
        static let shared = Watchdog()
        static let tick = Duration.milliseconds(100)

        private struct Entry { let deadline: ContinuousClock.Instant; let cancel: @Sendable () -> Void }
        private let entries = Mutex<(next: Int, items: [Int: Entry])>((0, [:]))

        init() {
            Task.detached { [weak self] in
                while let self {
                    try? await Task.sleep(for: Watchdog.tick)
                    self.fire(now: .now)
                }
            }
        }

        func register(deadline: ContinuousClock.Instant, cancel: @escaping @Sendable () -> Void) -> Int {
            entries.withLock { s in
                s.next &+= 1
                s.items[s.next] = Entry(deadline: deadline, cancel: cancel)
                return s.next
            }
        }

        func remove(_ token: Int) {
            _ = entries.withLock { $0.items.removeValue(forKey: token) }
        }

        private func fire(now: ContinuousClock.Instant) {
            let expired: [Entry] = entries.withLock { s in
                var out: [Entry] = []
                for (k, e) in s.items where e.deadline <= now {
                    out.append(e)
                    s.items.removeValue(forKey: k)
                }
                return out
            }
            for e in expired { e.cancel() }
        }
    }
}

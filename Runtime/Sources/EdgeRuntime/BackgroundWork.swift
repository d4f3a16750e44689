import Synchronization

/// Tracks `waitUntil` tasks so graceful shutdown can wait for them.
package final class BackgroundWork: Sendable {
    private let tasks = Mutex<[Int: Task<Void, Never>]>([:])
    private let counter = Atomic<Int>(0)

    public init() {}

    func start(_ work: @escaping @Sendable () async -> Void) {
        let id = counter.wrappingAdd(1, ordering: .relaxed).newValue
        let task = Task { [weak self] in
            await work()
            _ = self?.tasks.withLock { $0.removeValue(forKey: id) }
        }
        tasks.withLock { t in
            if !task.isCancelled { t[id] = task }
        }
    }

    /// Number of background tasks still running.
    public var pending: Int { tasks.withLock { $0.count } }

    /// Waits for every running task (including ones started while waiting).
    public func drain() async {
        while true {
            let current = tasks.withLock { Array($0.values) }
            if current.isEmpty { return }
            for t in current { await t.value }
        }
    }
}

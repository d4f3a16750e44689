import Synchronization

/// Enforces functions' `maxDuration` without a timer per request: every running handler is registered
/// with one shared watchdog, which every ``Watchdog/tick`` cancels the handlers whose deadline passed.
/// A handler that was cancelled because its deadline passed is answered 504.
/// (Precision: ``Watchdog/tick``. A handler that ignores cancellation is answered when it returns.)
///
/// Where the handler runs is the caller's choice (``Placement``):
/// - ``Placement/childTask``: in a task of its own, so cancelling it touches nothing else. Safe from any
///   caller (cron runs, tests), and costs a task and two executor hops per request.
/// - ``Placement/currentTask``: inline, on the caller's task, which the watchdog cancels on expiry. For the
///   HTTP server, whose caller is its connection's task on the connection's event loop
///   (``ConnectionTask``): the common case pays no second task and no hop (measured: a child task was the
///   largest per-request cost, bench/http). The server writes the 504 through the channel, which a
///   cancelled task may still do, and closes the connection; the cancelled task serves nothing more.
enum Deadline {
    struct Exceeded: Error {}

    enum Placement: Sendable {
        case childTask
        case currentTask
    }

    /// Runs `body` under `deadline` on the current task (``Placement/currentTask``): the watchdog cancels
    /// this task when the deadline passes, and a body that then fails throws ``Exceeded``.
    nonisolated(nonsending) static func onCurrentTask<T>(until deadline: ContinuousClock.Instant?, _ body: nonisolated(nonsending) () async throws -> T) async throws -> T {
        guard let deadline else { return try await body() }
        let token = withUnsafeCurrentTask { task in
            Watchdog.shared.register(deadline: deadline, target: task.map { .current(CurrentTask($0)) } ?? .none)
        }
        let result: Result<T, any Error>
        do { result = .success(try await body()) } catch { result = .failure(error) }
        let fired = !Watchdog.shared.remove(token)
        // Once the watchdog fired, this task is cancelled and can only send a short answer: a late
        // result becomes the 504 too (as on Vercel, a function past maxDuration gets 504).
        if fired { throw Exceeded() }
        switch result {
        case .success(let v): return v
        case .failure(let e): throw ContinuousClock.now >= deadline ? Exceeded() : e
        }
    }

    /// Runs `body` under `deadline` in a child task (``Placement/childTask``), which the watchdog cancels
    /// when the deadline passes; a body that then fails throws ``Exceeded``.
    static func inChildTask<T: Sendable>(until deadline: ContinuousClock.Instant?, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        guard let deadline else { return try await body() }
        let task = Task { try await body() }
        let token = Watchdog.shared.register(deadline: deadline, target: .child({ task.cancel() }))
        let result = await withTaskCancellationHandler {
            await task.result
        } onCancel: {
            task.cancel()
        }
        let fired = !Watchdog.shared.remove(token)
        switch result {
        case .success(let v): return v
        case .failure(let e): throw (fired || ContinuousClock.now >= deadline) && !Task.isCancelled ? Exceeded() : e
        }
    }

    /// The running task, cancellable from the watchdog's thread. `UnsafeCurrentTask` is not `Sendable`
    /// because it must not outlive its task; here it is only used while the task is inside
    /// ``onCurrentTask(until:_:)``: ``Watchdog/remove(_:)`` takes it out under the same lock that
    /// ``Watchdog`` cancels under, before that returns.
    struct CurrentTask: @unchecked Sendable {
        let task: UnsafeCurrentTask
        init(_ task: UnsafeCurrentTask) { self.task = task }
    }

    enum Target: Sendable {
        case current(CurrentTask)
        case child(@Sendable () -> Void)
        case none
    }

    final class Watchdog: Sendable {
        static let shared = Watchdog()
        static let tick = Duration.milliseconds(100)

        /// Registrations in slots reused through a free list: registering and removing (twice per
        /// request) is an array store, no hashing. A token is its slot plus the slot's generation, so a
        /// stale token can never remove a newer registration. A free slot has generation 0, and a slot's
        /// target is a closure that cancels it: copying one is two moves, where `[Entry?]` of an enum
        /// holding `UnsafeCurrentTask` (a type whose layout is known only at run time) went through the
        /// runtime's value witnesses on every access.
        private struct Entry {
            var deadline: ContinuousClock.Instant
            var cancel: (@Sendable () -> Void)?
            var generation: UInt32
        }
        private struct Slots {
            var entries: [Entry] = []
            var free: [Int] = []
            var generation: UInt32 = 0
            var live = 0
        }
        struct Token: Sendable { let slot: Int; let generation: UInt32 }
        private let slots = Mutex(Slots())

        init() {
            Task.detached { [weak self] in
                while let self {
                    try? await Task.sleep(for: Watchdog.tick)
                    self.fire(now: .now)
                }
            }
        }

        func register(deadline: ContinuousClock.Instant, target: Target) -> Token {
            var entry = Entry(deadline: deadline, cancel: nil, generation: 0)
            switch target {
            case .current(let current): entry.cancel = { current.task.cancel() }
            case .child(let cancel): entry.cancel = cancel
            case .none: break
            }
            return slots.withLock { s in
                s.generation &+= 1
                if s.generation == 0 { s.generation = 1 }
                entry.generation = s.generation
                s.live += 1
                if let slot = s.free.popLast() {
                    s.entries[slot] = entry
                    return Token(slot: slot, generation: entry.generation)
                }
                s.entries.append(entry)
                return Token(slot: s.entries.count - 1, generation: entry.generation)
            }
        }

        /// False when the entry had already fired (its task was cancelled for its deadline).
        func remove(_ token: Token) -> Bool {
            slots.withLock { s in
                guard s.entries[token.slot].generation == token.generation else { return false }
                Self.vacate(token.slot, in: &s)
                return true
            }
        }

        private static func vacate(_ slot: Int, in s: inout Slots) {
            s.entries[slot].generation = 0
            s.entries[slot].cancel = nil
            s.free.append(slot)
            s.live -= 1
        }

        /// Cancels the expired entries. Under the lock: a current task is alive only until it has
        /// removed its entry, so it must be cancelled before `remove` can return.
        private func fire(now: ContinuousClock.Instant) {
            slots.withLock { s in
                guard s.live > 0 else { return }
                for slot in s.entries.indices where s.entries[slot].generation != 0 && s.entries[slot].deadline <= now {
                    let cancel = s.entries[slot].cancel
                    Self.vacate(slot, in: &s)
                    cancel?()
                }
            }
        }
    }
}

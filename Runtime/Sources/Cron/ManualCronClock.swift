import Synchronization

/// A clock that only moves when told to, for tests. Sleepers wake when ``advance(to:)`` or
/// ``advance(by:)`` reaches their deadline; nothing waits in real time.
///
/// ``waitForSleepers(count:)`` lets a test wait until the code under test has gone to sleep
/// (for example, the scheduler waiting for its next tick) before it moves time, which makes
/// scheduler tests deterministic.
public final class ManualCronClock: CronClock {
    private struct Sleeper {
        var deadline: CronInstant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: CronInstant
        var nextID = 0
        var sleepers: [Int: Sleeper] = [:]
        /// Tasks waiting for the number of sleepers to reach a count.
        var watchers: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state: Mutex<State>

    public init(now: CronInstant) {
        state = Mutex(State(now: now))
    }

    public var now: CronInstant { state.withLock { $0.now } }

    /// Number of tasks currently suspended in ``sleep(until:)``.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    /// The earliest deadline among current sleepers.
    public var nextDeadline: CronInstant? { state.withLock { $0.sleepers.values.map(\.deadline).min() } }

    public func sleep(until deadline: CronInstant) async throws {
        try Task.checkCancellation()
        let id = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let (resumeNow, watchers) = state.withLock { state -> (Bool, [CheckedContinuation<Void, Never>]) in
                    if deadline <= state.now || Task.isCancelled { return (true, []) }
                    state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return (false, Self.takeSatisfiedWatchers(&state))
                }
                watchers.forEach { $0.resume() }
                if resumeNow {
                    if Task.isCancelled { continuation.resume(throwing: CancellationError()) } else { continuation.resume() }
                }
            }
        } onCancel: {
            let sleeper = state.withLock { $0.sleepers.removeValue(forKey: id) }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Sets the time to `instant` (never backwards) and wakes every sleeper whose deadline has come,
    /// earliest first.
    public func advance(to instant: CronInstant) {
        let woken = state.withLock { state -> [Sleeper] in
            state.now = max(state.now, instant)
            let due = state.sleepers.filter { $0.value.deadline <= state.now }
            for key in due.keys { state.sleepers.removeValue(forKey: key) }
            return due.values.sorted { $0.deadline < $1.deadline }
        }
        woken.forEach { $0.continuation.resume() }
    }

    /// Moves the time forward by `duration`.
    public func advance(by duration: Duration) {
        advance(to: now.advanced(by: duration))
    }

    /// Suspends until at least `count` tasks are asleep on this clock.
    public func waitForSleepers(count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.sleepers.count >= count { return true }
                state.watchers.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    private static func takeSatisfiedWatchers(_ state: inout State) -> [CheckedContinuation<Void, Never>] {
        let count = state.sleepers.count
        let ready = state.watchers.filter { $0.count <= count }.map(\.continuation)
        state.watchers.removeAll { $0.count <= count }
        return ready
    }
}

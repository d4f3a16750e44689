import Synchronization

/// A time source that only moves when told to: for tests of expiry and queue delays without
/// sleeping. `advance(by:)` and `set(_:)` wake every `sleep(untilMs:)` whose deadline has been
/// reached (so a waiting `dequeue` or an expiry sweep runs as soon as the clock passes it).
///
///     let clock = ManualKvClock()
///     let kv = Kv(store: MemoryKvStore(clock: clock))
///     try await kv.set(["session"], "x", expireIn: 60_000)
///     clock.advance(by: 60_000)            // ["session"] is now gone
public final class ManualKvClock: KvTimeSource {
    /// The default start time: 2026-01-01T00:00:00Z.
    public static let defaultStartMs: Int64 = 1_767_225_600_000

    private struct Sleeper {
        let deadline: Int64
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Int64
        var sleepers: [Int: Sleeper] = [:]
        var nextSleeper = 0
    }

    private let state: Mutex<State>

    public init(nowMs: Int64 = ManualKvClock.defaultStartMs) {
        state = Mutex(State(now: nowMs))
    }

    public func nowMs() -> Int64 { state.withLock { $0.now } }

    /// Moves time forward by `milliseconds` (negative values move it back; nothing wakes then).
    public func advance(by milliseconds: Int64) {
        let due = state.withLock { s in
            s.now += milliseconds
            return Self.takeDue(&s)
        }
        for c in due { c.resume() }
    }

    /// Sets the time to `nowMs` (earlier or later than the current time).
    public func set(_ nowMs: Int64) {
        let due = state.withLock { s in
            s.now = nowMs
            return Self.takeDue(&s)
        }
        for c in due { c.resume() }
    }

    public func sleep(untilMs deadline: Int64) async throws {
        let id = state.withLock { s in
            s.nextSleeper += 1
            return s.nextSleeper
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                let outcome = state.withLock { s -> Bool? in
                    if s.now >= deadline { return true }
                    if Task.isCancelled { return false }
                    s.sleepers[id] = Sleeper(deadline: deadline, continuation: c)
                    return nil
                }
                switch outcome {
                case true?: c.resume()
                case false?: c.resume(throwing: CancellationError())
                case nil: break
                }
            }
        } onCancel: {
            let s = state.withLock { $0.sleepers.removeValue(forKey: id) }
            s?.continuation.resume(throwing: CancellationError())
        }
    }

    private static func takeDue(_ s: inout State) -> [CheckedContinuation<Void, any Error>] {
        let now = s.now
        let due = s.sleepers.filter { $0.value.deadline <= now }
        for id in due.keys { s.sleepers.removeValue(forKey: id) }
        return due.values.map(\.continuation)
    }
}

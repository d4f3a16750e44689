import Synchronization
import Testing
@testable import Cron

/// Collects values from concurrent code and lets a test wait until a number of them arrived.
final class Collector<Value: Sendable>: Sendable {
    private struct State {
        var values: [Value] = []
        var waiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())

    var values: [Value] { state.withLock { $0.values } }

    func append(_ value: Value) {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.values.append(value)
            let count = state.values.count
            let ready = state.waiters.filter { $0.count <= count }.map(\.continuation)
            state.waiters.removeAll { $0.count <= count }
            return ready
        }
        ready.forEach { $0.resume() }
    }

    /// Suspends until at least `count` values have been appended; records an issue and returns
    /// after a real-time safety limit, so a broken scheduler fails the test instead of hanging it.
    func wait(count: Int, sourceLocation: SourceLocation = #_sourceLocation) async {
        await within("\(count) value(s), have \(self.values.count)", sourceLocation: sourceLocation) { await self.waitUnbounded(count: count) }
    }

    private func waitUnbounded(count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.values.count >= count { return true }
                state.waiters.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }
}

/// A run store that also lets tests wait for records.
final class ObservedRunStore: CronRunStore {
    let inner = InMemoryCronRunStore()
    let records = Collector<CronRunRecord>()

    func record(_ run: CronRunRecord) async throws {
        try await inner.record(run)
        records.append(run)
    }

    func lastRuns(path: String, limit: Int) async throws -> [CronRunRecord] {
        try await inner.lastRuns(path: path, limit: limit)
    }
}

/// A gate a handler waits on until the test opens it. Waiting honours task cancellation
/// unless `ignoringCancellation` is used.
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [Int: CheckedContinuation<Void, any Error>], next: Int)>((false, [:], 0))

    func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        waiters.forEach { $0.resume() }
    }

    func wait() async throws {
        let id = state.withLock { state in
            state.next += 1
            return state.next
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resume = state.withLock { state -> Bool in
                    if state.open { return true }
                    if Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resume {
                    if Task.isCancelled { continuation.resume(throwing: CancellationError()) } else { continuation.resume() }
                }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume(throwing: CancellationError())
        }
    }

    /// Waits for the gate even if the task is cancelled.
    func waitIgnoringCancellation() async {
        await Task { try? await self.wait() }.value
    }
}

func instant(_ iso: String) -> CronInstant {
    CronInstant(iso8601: iso)!
}

/// A scheduler on a manual clock with observed records, invocations and log lines.
struct Harness {
    let clock: ManualCronClock
    let store = ObservedRunStore()
    let invocations = Collector<CronInvocation>()
    let logs = Collector<String>()
    let scheduler: CronScheduler

    init(
        jobs: [CronJob],
        start: String = "2026-11-25T10:00:30Z",
        clock: ManualCronClock? = nil,
        lease: any CronLease = InMemoryCronLease(),
        shutdownGracePeriod: Duration = .seconds(10),
        handler: @escaping @Sendable (CronInvocation) async throws -> Int = { _ in 200 }
    ) throws {
        let clock = clock ?? ManualCronClock(now: instant(start))
        let invocations = self.invocations
        let logs = self.logs
        self.clock = clock
        self.scheduler = try CronScheduler(
            jobs: jobs, clock: clock, lease: lease, store: store, shutdownGracePeriod: shutdownGracePeriod,
            log: { logs.append($0) },
            invoke: { invocation in
                invocations.append(invocation)
                return try await handler(invocation)
            })
    }

    /// Starts `run()` and waits until the scheduler sleeps for its first tick.
    func start(expectedSleepers: Int = 1) async -> Task<Void, any Error> {
        let scheduler = self.scheduler
        let task = Task { try await scheduler.run() }
        await sleepers(clock, expectedSleepers)
        return task
    }
}

struct HandlerError: Error, CustomStringConvertible {
    var description: String { "database unreachable" }
}

/// Real-time safety limit for waits in tests. Never reached when the code under test works
/// (every wait is on an event that the test itself caused); it only turns a hang into a failure.
let safetyLimit = Duration.seconds(10)

/// Runs `operation`, recording an issue if it has not finished within ``safetyLimit``.
func within(_ what: @autoclosure @escaping @Sendable () -> String, sourceLocation: SourceLocation = #_sourceLocation,
            _ operation: @escaping @Sendable () async -> Void) async {
    let finished = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
        let box = OnceBox(once: continuation)
        let timer = Task {
            try? await Task.sleep(for: safetyLimit)
            box.resume(false)
        }
        Task {
            await operation()
            box.resume(true)
            timer.cancel()
        }
    }
    if !finished { Issue.record("timed out waiting for \(what())", sourceLocation: sourceLocation) }
}

private final class OnceBox: Sendable {
    let continuation: Mutex<CheckedContinuation<Bool, Never>?>
    init(once: CheckedContinuation<Bool, Never>) { continuation = Mutex(once) }
    func resume(_ value: Bool) { continuation.withLock { $0.take() }?.resume(returning: value) }
}

/// Waits until `count` tasks sleep on `clock`, with the safety limit.
func sleepers(_ clock: ManualCronClock, _ count: Int, sourceLocation: SourceLocation = #_sourceLocation) async {
    await within("\(count) sleeper(s), have \(clock.sleeperCount)", sourceLocation: sourceLocation) {
        await clock.waitForSleepers(count: count)
    }
}

/// Cancels a scheduler task and waits for `run()` to return, with the safety limit.
func stop(_ task: Task<Void, any Error>, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    task.cancel()
    try await finish(task, sourceLocation: sourceLocation)
}

/// Waits for `run()` to return (after a cancel), with the safety limit.
func finish(_ task: Task<Void, any Error>, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    await within("the scheduler to shut down", sourceLocation: sourceLocation) { _ = try? await task.value }
    try await task.value
}

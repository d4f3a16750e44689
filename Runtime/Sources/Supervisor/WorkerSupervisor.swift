import CoreMetrics
import EdgeMetrics
public import Logging
public import ServiceLifecycle
import UnixSignals
#if canImport(Glibc)
import Glibc
#endif

/// `edge serve`'s supervisor: N worker processes accept on one inherited listening socket and share the
/// data directory; the supervisor serves nothing itself, so it costs nothing per request.
///
/// - A worker that traps, is killed or is OOM-killed is logged (pid, signal, how long it lived) and
///   restarted: at once after a healthy run, with growing delays in a crash loop (``RestartBackoff``).
///   The others keep serving, and the socket never closes, so no connection is refused meanwhile; a
///   connection the dead worker held is closed by the kernel.
/// - A worker that exits with an error before it ever became ready (bad configuration, unusable data
///   directory) stops the service with that exit code: restarting it would fail the same way.
/// - SIGHUP: rolling restart, one worker at a time, each replaced only once its successor is ready.
/// - Graceful shutdown (SIGTERM/SIGINT through the service group): every worker drains and exits;
///   stragglers are killed after ``shutdownTimeout``.
public final class WorkerSupervisor: Service, Sendable {
    /// How long drained workers may take before they are killed.
    public static let shutdownTimeout: Duration = .seconds(40)

    let workers: Int
    let spawner: WorkerSpawner
    let logger: Logger
    let onReady: @Sendable () -> Void
    let readPipe: Int32
    /// The figures every worker adds to (region 0 is this process's, region n + 1 worker slot n's).
    let metrics: MetricsTable?
    let restarts: Counter

    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    /// - Parameters:
    ///   - arguments: the worker's command line after the executable (the same `serve ...`).
    ///   - environment: the workers' environment (the supervisor's own, usually).
    ///   - onReady: called once, when the first worker accepts connections.
    public init(workers: Int, socket: ListeningSocket, arguments: [String], environment: [String: String],
                logger: Logger, onReady: @escaping @Sendable () -> Void) throws(StartError) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw StartError(description: "pipe failed: errno \(errno)") }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        self.workers = max(1, workers)
        self.readPipe = fds[0]
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let shared = MetricsTable.createShared(regions: self.workers + 1, createdAtUnixMs: Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000)
        if let shared { ProcessMetrics.install(shared.table, region: 0) } else { logger.warning("no shared memory for metrics: /metrics counts nothing") }
        self.metrics = shared?.table
        self.restarts = Counter(label: "edge_worker_restarts_total")
        self.spawner = WorkerSpawner(executable: WorkerSpawner.currentExecutable(), arguments: arguments,
                                     environment: environment, listenSocket: socket.fd, readyPipe: fds[1], metrics: shared?.fd)
        self.logger = logger
        self.onReady = onReady
    }

    /// What the supervisor reacts to.
    enum Event: Sendable {
        case exited(pid_t, WorkerExit)
        case ready(pid_t)
        case restart(slot: Int)
        case hangup
        case shutdown
        case shutdownTimedOut
    }

    /// One worker slot's state.
    struct Slot {
        var pid: pid_t?
        /// The worker's ``InFlightTable`` file.
        var inFlight: Int32?
        var started: ContinuousClock.Instant = .now
        var ready = false
        var backoff = RestartBackoff()
    }

    public func run() async throws {
        let (events, sink) = AsyncStream.makeStream(of: Event.self)
        readReadiness(into: sink)
        let hangups = Task {
            for await _ in await UnixSignalsSequence(trapping: .sighup) { sink.yield(.hangup) }
        }
        defer { hangups.cancel() }

        var state = State(count: workers)
        for slot in 0..<workers { try spawn(slot, &state, sink) }

        try await withGracefulShutdownHandler {
            for await event in events {
                if try await handle(event, &state, sink) { break }
            }
        } onGracefulShutdown: {
            sink.yield(.shutdown)
        }
        if let failure = state.fatal { throw failure }
    }

    struct State {
        var slots: [Slot]
        /// Workers told to go (shutdown or rolling restart): their exits are expected.
        var retiring: [pid_t: Int] = [:]
        /// Old workers a rolling restart still has to replace, in order.
        var toReplace: [pid_t] = []
        var announced = false
        var stopping = false
        var fatal: StartError?

        init(count: Int) { slots = Array(repeating: Slot(), count: count) }

        var running: Int { slots.filter { $0.pid != nil }.count + retiring.count }
    }

    /// Returns true when the supervisor is done.
    private func handle(_ event: Event, _ state: inout State, _ sink: AsyncStream<Event>.Continuation) async throws -> Bool {
        switch event {
        case .ready(let pid):
            guard let slot = state.slots.firstIndex(where: { $0.pid == pid }) else { return false }
            state.slots[slot].ready = true
            if !state.announced {
                state.announced = true
                onReady()
            }
            // A rolling restart retires the next old worker once its successor serves.
            if !state.stopping, let old = state.toReplace.first {
                state.toReplace.removeFirst()
                kill(old, SIGTERM)  // already marked retiring: it drains, its exit is expected
                if let next = state.toReplace.first, let nextSlot = state.slots.firstIndex(where: { $0.pid == next }) {
                    state.retiring[next] = nextSlot
                    state.slots[nextSlot].pid = nil
                    try spawn(nextSlot, &state, sink)
                }
            }
        case .exited(let pid, let exit):
            if state.retiring.removeValue(forKey: pid) != nil {
                logger.info("worker stopped", metadata: ["pid": .stringConvertible(pid), "status": .string(exit.description)])
                return state.stopping && state.running == 0
            }
            guard let slot = state.slots.firstIndex(where: { $0.pid == pid }) else { return false }
            let wasReady = state.slots[slot].ready
            let lived = ContinuousClock.now - state.slots[slot].started
            let inFlight = state.slots[slot].inFlight.map(InFlightTable.inFlight(fd:)) ?? []
            state.slots[slot].pid = nil
            if state.stopping { return state.running == 0 }
            if !wasReady, case .exited(let code) = exit, code != 0 {
                // It could not start (configuration, data directory): restarting would fail the same way.
                logger.critical("worker could not start; stopping", metadata: ["pid": .stringConvertible(pid), "status": .string(exit.description)])
                state.fatal = StartError(description: "a worker could not start (\(exit.description)); see its log above")
                beginShutdown(&state, sink)
                return state.running == 0
            }
            // Its requests in flight are not any more; its counters stay for its successor to add to.
            metrics?.resetGauges(region: slot + 1)
            restarts.increment()
            let delay = state.slots[slot].backoff.delay(afterLifetime: lived)
            logger.error("worker exited; restarting", metadata: [
                "pid": .stringConvertible(pid), "status": .string(exit.description), "crash": .stringConvertible(exit.isCrash),
                "inFlight": .array(inFlight.map { .string($0) }),
                "livedMs": .stringConvertible(lived.components.seconds * 1000 + lived.components.attoseconds / 1_000_000_000_000_000),
                "restartInMs": .stringConvertible(delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000),
            ])
            if delay == .zero {
                try spawn(slot, &state, sink)
            } else {
                Task {
                    try? await Task.sleep(for: delay)
                    sink.yield(.restart(slot: slot))
                }
            }
        case .restart(let slot):
            if !state.stopping, state.slots[slot].pid == nil { try spawn(slot, &state, sink) }
        case .hangup:
            guard !state.stopping, state.toReplace.isEmpty else { return false }
            let old = state.slots.compactMap(\.pid)
            logger.info("rolling restart", metadata: ["workers": .stringConvertible(old.count)])
            state.toReplace = old
            // Replace the first now; each next one when the previous replacement is ready.
            if let first = old.first, let slot = state.slots.firstIndex(where: { $0.pid == first }) {
                state.retiring[first] = slot
                state.slots[slot].pid = nil
                try spawn(slot, &state, sink)
            }
        case .shutdown:
            beginShutdown(&state, sink)
            return state.running == 0
        case .shutdownTimedOut:
            for pid in Array(state.retiring.keys) + state.slots.compactMap(\.pid) {
                logger.error("worker did not stop in time; killing it", metadata: ["pid": .stringConvertible(pid)])
                kill(pid, SIGKILL)
            }
        }
        return false
    }

    /// Tells every worker to drain; times the stragglers out.
    private func beginShutdown(_ state: inout State, _ sink: AsyncStream<Event>.Continuation) {
        guard !state.stopping else { return }
        state.stopping = true
        state.toReplace = []
        for slot in state.slots.indices {
            if let pid = state.slots[slot].pid {
                state.retiring[pid] = slot
                state.slots[slot].pid = nil
            }
        }
        for pid in state.retiring.keys { kill(pid, SIGTERM) }
        Task {
            try? await Task.sleep(for: Self.shutdownTimeout)
            sink.yield(.shutdownTimedOut)
        }
    }

    private func spawn(_ slot: Int, _ state: inout State, _ sink: AsyncStream<Event>.Continuation) throws {
        if let old = state.slots[slot].inFlight { close(old) }
        let table = InFlightTable.create()
        state.slots[slot].inFlight = table
        let pid: pid_t
        do { pid = try spawner.spawn(slot: slot, inFlight: table) } catch {
            throw StartError(description: error.description)
        }
        state.slots[slot].pid = pid
        state.slots[slot].started = .now
        state.slots[slot].ready = false
        DetachedThread.run {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0, errno == EINTR {}
            sink.yield(.exited(pid, WorkerExit(waitStatus: status)))
        }
    }

    /// Workers write their pid and a newline to the ready pipe once they accept connections.
    private func readReadiness(into sink: AsyncStream<Event>.Continuation) {
        let fd = readPipe
        DetachedThread.run {
            var pending: [UInt8] = []
            var buf = [UInt8](repeating: 0, count: 256)
            while true {
                let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0, errno == EINTR { continue }
                if n <= 0 { return }
                pending += buf[0..<n]
                while let nl = pending.firstIndex(of: 10) {
                    if let pid = pid_t(String(decoding: pending[..<nl], as: UTF8.self)) { sink.yield(.ready(pid)) }
                    pending.removeSubrange(...nl)
                }
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// Starts worker processes: this same executable with the same arguments, the listening socket as
/// file descriptor 3 and the supervisor's ready pipe as 4 (both named in the environment).
struct WorkerSpawner: Sendable {
    /// Descriptor numbers a worker finds its inheritance at.
    static let listenFD: Int32 = 3
    static let readyFD: Int32 = 4
    static let inFlightFD: Int32 = 5
    static let metricsFD: Int32 = 6

    let executable: String
    let arguments: [String]
    let environment: [String: String]
    let listenSocket: Int32
    let readyPipe: Int32
    /// The ``MetricsTable`` every worker shares, if one could be made.
    let metrics: Int32?

    struct SpawnError: Error, CustomStringConvertible {
        let description: String
    }

    /// The running executable (`/proc/self/exe`).
    static func currentExecutable() -> String {
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        guard n > 0 else { return CommandLine.arguments[0] }
        return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Starts the worker for `slot`; `inFlight` is its ``InFlightTable`` file, if one could be made.
    func spawn(slot: Int, inFlight: Int32?) throws(SpawnError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, listenSocket, Self.listenFD)
        posix_spawn_file_actions_adddup2(&actions, readyPipe, Self.readyFD)
        if let inFlight { posix_spawn_file_actions_adddup2(&actions, inFlight, Self.inFlightFD) }
        if let metrics { posix_spawn_file_actions_adddup2(&actions, metrics, Self.metricsFD) }

        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        // The supervisor traps these (ignored dispositions survive exec); a worker starts with defaults
        // and installs its own handlers.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD] { sigaddset(&defaults, s) }
        var noMask = sigset_t()
        sigemptyset(&noMask)
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setsigmask(&attr, &noMask)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        var env = environment
        env["EDGE_WORKER"] = String(slot)
        env["EDGE_LISTEN_FD"] = String(Self.listenFD)
        env["EDGE_READY_FD"] = String(Self.readyFD)
        env["EDGE_SUPERVISOR_PID"] = String(getpid())
        if inFlight != nil { env["EDGE_INFLIGHT_FD"] = String(Self.inFlightFD) } else { env.removeValue(forKey: "EDGE_INFLIGHT_FD") }
        if metrics != nil { env["EDGE_METRICS_FD"] = String(Self.metricsFD) } else { env.removeValue(forKey: "EDGE_METRICS_FD") }
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attr, argv, envp)
        guard rc == 0 else { throw SpawnError(description: "cannot start a worker (\(executable)): \(String(cString: strerror(rc)))") }
        return pid
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Child processes: `swift build`, `edge serve`, `edge routes`.
enum Subprocess {
    struct SpawnError: Error, CustomStringConvertible {
        let description: String
    }

    /// How a process ended.
    enum Termination: Equatable, CustomStringConvertible, Sendable {
        case exited(Int32)
        case signaled(Int32)

        init(waitStatus s: Int32) {
            self = (s & 0x7f) == 0 ? .exited((s >> 8) & 0xff) : .signaled(s & 0x7f)
        }

        var succeeded: Bool { self == .exited(0) }

        var description: String {
            switch self {
            case .exited(let c): return "exit code \(c)"
            case .signaled(let s): return "signal \(s)"
            }
        }
    }

    /// Starts `executable` (looked up in PATH unless it contains a `/`) in `directory`, its own
    /// process group (so Ctrl-C in the terminal reaches only the supervisor, which stops children
    /// gracefully), with stdout and stderr on a pipe whose read end is returned.
    static func spawn(_ executable: String, _ arguments: [String], environment: [String: String], directory: String) throws -> (pid: pid_t, output: Int32) {
        var fds: [Int32] = [0, 0]
        guard GNU.cloexecPipe(&fds) else { throw SpawnError(description: "pipe failed: errno \(errno)") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 2)
        // Only 0-2 reach the child (our sockets and pipes are CLOEXEC anyway).
        if let closefrom = GNU.addClosefrom { _ = closefrom(&actions, 3) }
        var exe = executable
        var args = arguments
        if let chdir = GNU.addChdir {
            _ = chdir(&actions, directory)
        } else {
            // Older glibc: let env(1) change directory.
            args = ["-C", directory, executable] + arguments
            exe = "/usr/bin/env"
        }

        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var defaultSignals = sigset_t()
        sigemptyset(&defaultSignals)
        sigaddset(&defaultSignals, SIGPIPE)
        sigaddset(&defaultSignals, SIGINT)
        sigaddset(&defaultSignals, SIGTERM)
        var noMask = sigset_t()
        sigemptyset(&noMask)
        posix_spawnattr_setsigdefault(&attr, &defaultSignals)
        posix_spawnattr_setsigmask(&attr, &noMask)
        posix_spawnattr_setpgroup(&attr, 0)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv: [UnsafeMutablePointer<CChar>?] = ([exe] + args).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = exe.contains("/")
            ? posix_spawn(&pid, exe, &actions, &attr, argv, envp)
            : posix_spawnp(&pid, exe, &actions, &attr, argv, envp)
        close(fds[1])
        guard rc == 0 else {
            close(fds[0])
            throw SpawnError(description: "cannot start \(executable): \(String(cString: strerror(rc)))")
        }
        return (pid, fds[0])
    }

    static func wait(_ pid: pid_t) -> Termination {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return .exited(-1) }
        }
        return Termination(waitStatus: status)
    }

    /// Runs to completion, returning everything it printed. `onLine` sees each line as it arrives.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String], directory: String,
                    started: (pid_t) -> Void = { _ in }, onLine: (String) -> Void = { _ in }) throws -> (Termination, String) {
        let (pid, fd) = try spawn(executable, arguments, environment: environment, directory: directory)
        started(pid)
        var all: [UInt8] = []
        var pending: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            all.append(contentsOf: buf[0..<n])
            pending.append(contentsOf: buf[0..<n])
            while let nl = pending.firstIndex(of: 10) {
                onLine(String(decoding: pending[..<nl], as: UTF8.self))
                pending.removeSubrange(...nl)
            }
        }
        close(fd)
        if !pending.isEmpty { onLine(String(decoding: pending, as: UTF8.self)) }
        return (wait(pid), String(decoding: all, as: UTF8.self))
    }

    /// The current process environment (from /proc: `environ` is not concurrency-safe to touch).
    static func environment() -> [String: String] {
        var env: [String: String] = [:]
        guard let bytes = FileSystem.readBytes("/proc/self/environ") else { return env }
        for entry in bytes.split(separator: 0) {
            let s = String(decoding: entry, as: UTF8.self)
            if let eq = s.firstIndex(of: "=") {
                env[String(s[..<eq])] = String(s[s.index(after: eq)...])
            }
        }
        return env
    }

    /// Whether `name` is an executable in PATH (or a path to one).
    static func findExecutable(_ name: String, path: String?) -> String? {
        if name.contains("/") { return access(name, X_OK) == 0 ? name : nil }
        for dir in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}

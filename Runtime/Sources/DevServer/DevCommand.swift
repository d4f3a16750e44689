#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization

/// `edge dev`: the local reload loop. See ``DevSupervisor``.
public enum DevCommand {
    public static let usage = """
    usage: edge dev [--port N] [--host H] [--project DIR] [--no-build]

    Serves Functions/ on PORT (default 8000) and reloads on every save: watches Functions/,
    vercel-like.json and the .env files, rebuilds incrementally (swift build --product edge),
    starts the new server and retires the old one without refusing a connection. A failed build
    leaves the previous version serving and prints the errors.

    env files (later wins, the shell environment wins over all): .env, .env.development,
    .env.local, .env.development.local
    environment: PORT, HOST, LOG_FORMAT (default pretty), SWIFT (the swift executable), NO_COLOR
    """

    public static func run(_ arguments: [String], environment: [String: String]) async -> Int32 {
        var env = environment
        if env.isEmpty { env = Subprocess.environment() }
        var project = FileSystem.currentDirectory()
        var portText = env["PORT"]
        var host = env["HOST"] ?? "0.0.0.0"
        var buildOnStart = true
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            func value() -> String? {
                i += 1
                return i < arguments.count ? arguments[i] : nil
            }
            switch a {
            case "--port", "-p": portText = value()
            case "--host": host = value() ?? host
            case "--project", "-C": project = value().map(FileSystem.absolute) ?? project
            case "--no-build": buildOnStart = false
            case "--help", "-h", "help":
                print(usage)
                return 0
            default:
                if a.hasPrefix("--port=") { portText = String(a.dropFirst(7)) }
                else if a.hasPrefix("--host=") { host = String(a.dropFirst(7)) }
                else if a.hasPrefix("--project=") { project = FileSystem.absolute(String(a.dropFirst(10))) }
                else {
                    Output.writeAll(2, Array("edge dev: unknown option '\(a)'\n\n\(usage)\n".utf8))
                    return 2
                }
            }
            i += 1
        }
        guard let port = Int(portText ?? "8000"), (0...65535).contains(port) else {
            Output.writeAll(2, Array("edge dev: PORT must be a number from 0 to 65535\n".utf8))
            return 2
        }
        guard FileSystem.exists(project + "/Package.swift") else {
            Output.writeAll(2, Array("edge dev: no Package.swift in \(project); run it from the project folder (or pass --project)\n".utf8))
            return 1
        }

        var options = DevOptions(projectDirectory: project, host: host, port: port, processEnvironment: env)
        options.swift = env["SWIFT"] ?? "swift"
        options.buildOnStart = buildOnStart
        let tty = Output.isTerminal(1)
        options.interactive = tty
        options.color = tty && env["NO_COLOR"] == nil && env["TERM"] != "dumb"
        let supervisor = DevSupervisor(options: options)
        let signals = SignalHandlers(supervisor)
        let code = await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
            OSThread.start {
                continuation.resume(returning: supervisor.run())
            }
        }
        signals.cancel()
        return code
    }
}

/// Ctrl-C / SIGTERM: the first stops gracefully (servers drain), the second kills everything.
final class SignalHandlers: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]

    init(_ supervisor: DevSupervisor) {
        signal(SIGPIPE, SIG_IGN)
        var sources: [any DispatchSourceSignal] = []
        let count = SignalCount()
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            s.setEventHandler {
                if count.add(1) == 1 {
                    supervisor.stop()
                } else {
                    Output.writeAll(2, Array("\nedge dev: killing\n".utf8))
                    supervisor.forceKill()
                    _exit(130)
                }
            }
            s.resume()
            sources.append(s)
        }
        self.sources = sources
    }

    func cancel() {
        for s in sources { s.cancel() }
    }
}

/// A tiny counter shared with signal handlers.
final class SignalCount: Sendable {
    private let value = Atomic<Int>(0)
    func add(_ n: Int) -> Int { value.add(n, ordering: .relaxed).newValue }
}

#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization

/// `edge dev`: the local reload loop. See ``DevSupervisor``.
///
/// The `edge` command line parses `edge dev`'s options (swift-argument-parser, in the CLI module)
/// and calls ``run(project:host:port:buildOnStart:environment:product:scratchPath:fastReloads:)`` with validated values.
public enum DevCommand {
    /// Runs the reload loop until Ctrl-C; the exit status.
    /// - Parameters:
    ///   - project: the project folder (holds `Package.swift`); nil for the current directory.
    ///   - host: the address to listen on.
    ///   - port: the port to listen on (0 to 65535, already validated).
    ///   - buildOnStart: false to serve the binary already built.
    ///   - environment: the process environment (flags already applied), before the `.env` files.
    ///   - product: the executable product to rebuild and serve (`swift build --product <product>`, then
    ///     `.build/debug/<product>`): `edge` here, `app` in a project made by `edge init`.
    ///   - scratchPath: the build directory when it is not the project's `.build` (`swift build --scratch-path`).
    ///   - fastReloads: false to run the build command on every change (see ``DevOptions/fastReloads``).
    public static func run(project: String?, host: String, port: Int, buildOnStart: Bool, environment: [String: String],
                           product: String = "edge", scratchPath: String? = nil, fastReloads: Bool = true) async -> Int32 {
        var env = environment
        if env.isEmpty { env = Subprocess.environment() }
        let project = project.map(FileSystem.absolute) ?? FileSystem.currentDirectory()
        guard FileSystem.exists(project + "/Package.swift") else {
            Output.writeAll(2, Array("edge dev: no Package.swift in \(project); run it from the project folder (or pass --project)\n".utf8))
            return 1
        }

        var options = DevOptions(projectDirectory: project, host: host, port: port, processEnvironment: env)
        options.swift = env["SWIFT"] ?? "swift"
        options.buildOnStart = buildOnStart
        options.fastReloads = fastReloads
        options.buildArguments = ["build", "--product", product]
        options.binary = ".build/debug/" + product
        if let scratchPath {
            let scratch = FileSystem.absolute(scratchPath)
            options.buildArguments += ["--scratch-path", scratch]
            options.binary = scratch + "/debug/" + product
        }
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

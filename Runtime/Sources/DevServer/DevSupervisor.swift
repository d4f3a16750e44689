#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Settings of one `edge dev` session.
public struct DevOptions: Sendable {
    /// The project (the folder with Package.swift, Functions/, vercel-like.json).
    public var projectDirectory: String
    /// Where the supervisor listens (`HOST`, `PORT`; port 0 picks a free one).
    public var host: String
    public var port: Int
    /// The process environment: wins over every `.env` file; minus the server-only variables it is
    /// also the build's environment (see ``DevSupervisor/buildEnvironment``).
    public var processEnvironment: [String: String]
    /// The `swift` executable and the build command's arguments.
    public var swift: String = "swift"
    public var buildArguments: [String] = ["build", "--product", "edge"]
    /// The server binary the build produces: absolute, or relative to the project.
    public var binary: String = ".build/debug/edge"
    /// Build when starting (off: serve the existing binary, build on the first change).
    public var buildOnStart: Bool = true
    /// After the first build, reload by compiling only the app as a library (``AppLibraryBuilder``);
    /// off: every change runs the build command.
    public var fastReloads: Bool = true
    public var debounce: Duration = .milliseconds(150)
    /// How long a new server may take to print its listening line.
    public var startTimeout: Double = 30
    /// How long the old server keeps running after the switch before it is asked to drain.
    public var retireDelay: Double = 0.5
    /// How long the old server may take to drain before it is killed.
    public var drainTimeout: Double = 30
    public var color: Bool = false
    /// A terminal: progress lines are drawn in place.
    public var interactive: Bool = false
    /// Where output goes (standard output by default).
    public var output: @Sendable (String) -> Void = { Output.writeAll(1, Array($0.utf8)) }

    public init(projectDirectory: String, host: String = "0.0.0.0", port: Int = 8000, processEnvironment: [String: String]) {
        self.projectDirectory = projectDirectory
        self.host = host
        self.port = port
        self.processEnvironment = processEnvironment
    }
}

/// The reload loop: watch, debounce, build, start the new server, switch, retire the old one.
///
/// Runs on the calling thread (``run()`` blocks); ``stop()`` may be called from any thread.
public final class DevSupervisor: Sendable {
    public let options: DevOptions
    let console: Console
    private let events = Mailbox<Event>()
    private let boundPort = Mailbox<Int?>()
    private let stopping = Atomic<Bool>(false)
    private let buildPid = Atomic<Int32>(0)
    private let childPids = Mutex<Set<pid_t>>([])
    /// Counters the tests and the bench read.
    private let stats = Mutex<Stats>(Stats())

    public struct Stats: Sendable {
        /// Successful switches to a new server (the first start included).
        public var generation = 0
        public var builds = 0
        public var failedBuilds = 0
    }

    enum Event: Sendable {
        case changed(ChangeSet)
        case childExited(generation: Int, Subprocess.Termination)
        case stop
    }

    public init(options: DevOptions) {
        self.options = options
        self.console = Console(color: options.color, interactive: options.interactive, sink: options.output)
    }

    public var statistics: Stats { stats.withLock { $0 } }

    /// The port the supervisor listens on, once it does (nil if it could not).
    public func waitForPort(timeout: Double = 10) -> Int? {
        guard let p = boundPort.take(timeout: timeout) else { return nil }
        boundPort.post(p)  // others may ask too
        return p
    }

    /// Asks the loop to stop: interrupts a running build, stops the servers gracefully.
    public func stop() {
        if stopping.exchange(true, ordering: .acquiringAndReleasing) { return }
        let pid = buildPid.load(ordering: .acquiring)
        if pid > 0 { kill(-pid, SIGTERM) }
        events.post(.stop)
    }

    /// Second Ctrl-C: kill everything now.
    public func forceKill() {
        let pid = buildPid.load(ordering: .acquiring)
        if pid > 0 { kill(-pid, SIGKILL) }
        for p in childPids.withLock({ $0 }) { kill(p, SIGKILL) }
    }

    var project: String { options.projectDirectory }
    var binaryPath: String { options.binary.hasPrefix("/") ? options.binary : project + "/" + options.binary }

    // MARK: The loop

    public func run() -> Int32 {
        let relay: Relay
        do {
            relay = try Relay(host: options.host, port: options.port)
        } catch {
            console.error("\(error)")
            boundPort.post(nil)
            return 1
        }
        relay.start()
        boundPort.post(relay.port)
        defer { relay.stop() }

        let watcher: FileWatcher
        do {
            watcher = try FileWatcher(root: project, quiet: options.debounce)
        } catch {
            console.error("\(error)")
            return 1
        }
        watcher.start { [events] change in events.post(.changed(change)) }
        defer { watcher.stop() }

        let shownHost = (options.host == "0.0.0.0" || options.host == "::" || options.host.isEmpty) ? "localhost" : options.host
        console.info("\(console.style.bold("http://\(shownHost):\(relay.port)"))  watching Functions/, vercel-like.json, .env files (\(Self.count(watcher.watchedFolders - 1, "folder")) under Functions/)")

        var session = Session()
        session.environment = loadEnvironment(announce: true)

        // First server: build (incremental), then start; a failed first build serves the last binary if any.
        var built = true
        if options.buildOnStart {
            built = build(&session, reason: nil) != nil
        }
        if stopping.load(ordering: .acquiring) { return shutdown(&session, relay: relay) }
        if FileSystem.exists(binaryPath) {
            if !built { console.warn("serving the last successful build until the errors are fixed") }
            if !restart(&session, relay: relay, timing: nil) && session.current == nil {
                relay.setBackend(.unavailable("edge dev: the server did not start; see the terminal"))
            }
        } else {
            relay.setBackend(.unavailable("edge dev: the build failed; fix the errors shown in the terminal and save"))
        }
        if built, options.fastReloads, FileSystem.exists(binaryPath), !stopping.load(ordering: .acquiring) { prepareLibrary(&session, relay: relay) }

        while true {
            guard let event = events.take() else { continue }
            switch event {
            case .stop:
                return shutdown(&session, relay: relay)
            case .childExited(let generation, let termination):
                guard let current = session.current, current.generation == generation else { continue }
                console.error("the server exited (\(termination)); save a file to restart it")
                session.current = nil
                relay.setBackend(.unavailable("edge dev: the server exited (\(termination)); see the terminal"))
            case .changed(var change):
                // Coalesce everything that queued meanwhile.
                var stop = false
                for e in events.drain() {
                    switch e {
                    case .changed(let more): change.formUnion(more)
                    case .stop: stop = true
                    case .childExited: events.post(e)
                    }
                }
                if stop { return shutdown(&session, relay: relay) }
                handle(change, &session, relay: relay)
            }
        }
    }

    struct Session {
        var current: ChildServer?
        var nextGeneration = 1
        var environment: [String: String] = [:]
        var routes: String?
        /// The last failure's errors, to say "still failing" instead of printing them again.
        var lastErrors: [BuildDiagnostic]?
        /// Fast reloads, once prepared: new servers are its host loading its newest library.
        var library: AppLibraryBuilder?
        /// The library the current server loaded (nil: SwiftPM's binary with its own routes).
        var servedLibrary: String?
    }

    private func handle(_ change: ChangeSet, _ session: inout Session, relay: Relay) {
        let start = Clock.now()
        console.info("\(change.summary) changed")
        if !change.environmentFiles.isEmpty {
            session.environment = loadEnvironment(announce: true)
        }
        var buildTime: Double? = nil
        // A swift build (no fast reloads yet: the start's build failed) prepares them once it succeeds.
        let prepareAfter = change.needsBuild && session.library == nil && options.fastReloads
        if change.needsBuild {
            // A resource SwiftPM embeds changed: its build regenerates the generated source the library compiles.
            if let library = session.library, library.needsSwiftBuild(change.sources.map { project + "/" + $0 }) {
                guard build(&session, reason: change) != nil else { return }
            }
            guard let result = session.library != nil ? buildLibrary(&session) : build(&session, reason: change) else { return }
            buildTime = result.seconds
            if !result.binaryChanged, change.environmentFiles.isEmpty, session.current != nil, !change.sources.contains(FileWatcher.configFile) {
                console.info("nothing to reload (the \(session.library != nil ? "library" : "binary") did not change)")
                return
            }
        }
        if stopping.load(ordering: .acquiring) { return }
        _ = restart(&session, relay: relay, timing: (start, buildTime))
        if prepareAfter, !stopping.load(ordering: .acquiring) { prepareLibrary(&session, relay: relay) }
    }

    // MARK: Environment

    /// `.env` files merged (Next.js order) under the process environment, plus what the child needs.
    func loadEnvironment(announce: Bool) -> [String: String] {
        let (env, loaded, warnings) = DotEnv.load(directory: project, processEnvironment: options.processEnvironment)
        for w in warnings { console.warn(w) }
        if announce, !loaded.isEmpty { console.info("env: \(loaded.joined(separator: ", "))") }
        return env
    }

    func childEnvironment(_ session: Session) -> [String: String] {
        var env = session.environment
        env["PORT"] = "0"
        env["HOST"] = "127.0.0.1"
        if env["LOG_FORMAT"] == nil { env["LOG_FORMAT"] = "pretty" }
        env["EDGE_DEV"] = "1"
        return env
    }

    // MARK: Build

    struct BuildResult {
        let seconds: Double
        let binaryChanged: Bool
    }

    /// Runs the incremental build; prints progress, and the errors if it fails (nil then).
    private func build(_ session: inout Session, reason: ChangeSet?) -> BuildResult? {
        let before = FileSystem.signature(binaryPath)
        let start = Clock.now()
        console.info(before == nil ? "building… (the first build takes a few minutes)" : "building…")
        stats.withLock { $0.builds += 1 }
        let outcome = runBuild(options.swift, options.buildArguments)
        let seconds = Clock.now() - start
        if stopping.load(ordering: .acquiring) { return nil }
        guard let (termination, output) = outcome else {
            stats.withLock { $0.failedBuilds += 1 }
            return nil
        }
        guard termination.succeeded else {
            reportFailure(termination, output: output, seconds: seconds, &session)
            return nil
        }
        if session.lastErrors != nil { console.success("errors fixed") }
        session.lastErrors = nil
        let after = FileSystem.signature(binaryPath)
        console.info("built in \(Clock.format(seconds: seconds))")
        return BuildResult(seconds: seconds, binaryChanged: before != after)
    }

    /// Prints a failed build's errors (once: a repeat says "still fails"); the old server keeps serving.
    private func reportFailure(_ termination: Subprocess.Termination, output: String, seconds: Double, _ session: inout Session) {
        stats.withLock { $0.failedBuilds += 1 }
        var diagnostics = BuildErrors.extract(from: output, projectDirectory: project)
        if diagnostics.isEmpty {
            // Nothing looked like an error: show the tail of the output.
            let tail = output.split(separator: "\n").suffix(15).map { BuildDiagnostic(message: String($0)) }
            diagnostics = Array(tail)
        }
        let keep = session.current != nil ? "; the previous version keeps serving" : ""
        if let last = session.lastErrors, last == diagnostics {
            console.error("build still fails (\(Clock.format(seconds: seconds))), same \(Self.count(diagnostics.count, "error")) as above\(keep)")
        } else {
            console.error("build failed in \(Clock.format(seconds: seconds)) (\(termination))\(keep):")
            console.lines(BuildErrors.render(diagnostics, color: console.style.enabled))
        }
        session.lastErrors = diagnostics
    }

    // MARK: Fast reloads

    /// Links the host and compiles the app as a library, once (later sessions find both up to date), then
    /// serves it: the binary may predate the sources (`--no-build`, or a save during the preparation).
    /// On any failure every change keeps going through the build command.
    private func prepareLibrary(_ session: inout Session, relay: Relay) {
        let start = Clock.now()
        let builder: AppLibraryBuilder
        do {
            builder = try AppLibraryBuilder(binary: binaryPath)
        } catch {
            console.warn("fast reloads unavailable (\(error)); every change runs `swift build`")
            return
        }
        console.info("preparing fast reloads: the app as a library (the first time compiles all of \(builder.plan.moduleName))…")
        if builder.hostIsStale, !linkHost(builder) {
            console.warn("fast reloads unavailable: linking the host failed; every change runs `swift build`")
            return
        }
        switch builder.build(run: runBuild) {
        case .built:
            session.library = builder
            console.info("fast reloads ready in \(Clock.format(seconds: Clock.now() - start))")
            if session.current != nil, !stopping.load(ordering: .acquiring) {
                restart(&session, relay: relay, timing: nil, announce: "serving the app library")
            }
        case .failed(let end, let output):
            console.warn("fast reloads unavailable: compiling the app as a library failed (\(end)); every change runs `swift build`")
            console.lines(BuildErrors.render(BuildErrors.extract(from: output, projectDirectory: project), color: console.style.enabled))
        case .notStarted:
            console.warn("fast reloads unavailable; every change runs `swift build`")
        }
    }

    /// A fast reload's build: RouteGen and the app's changed files, linked as a new library.
    private func buildLibrary(_ session: inout Session) -> BuildResult? {
        guard let builder = session.library else { return nil }
        let start = Clock.now()
        console.info("compiling…")
        stats.withLock { $0.builds += 1 }
        // The runtime changed under us (a `swift build` in another terminal): relink the host first.
        if builder.hostIsStale, !linkHost(builder) {
            console.warn("relinking the host failed; back to `swift build` for every change")
            session.library = nil
            return build(&session, reason: nil)
        }
        switch builder.build(run: runBuild) {
        case .built(let path, _):
            // Compared with what is served: the first library may hold edits the server has not seen.
            let changed = path != session.servedLibrary
            if session.lastErrors != nil { console.success("errors fixed") }
            session.lastErrors = nil
            let seconds = Clock.now() - start
            console.info("compiled in \(Clock.format(seconds: seconds))")
            return BuildResult(seconds: seconds, binaryChanged: changed)
        case .failed(let end, let output):
            reportFailure(end, output: output, seconds: Clock.now() - start, &session)
            return nil
        case .notStarted:
            stats.withLock { $0.failedBuilds += 1 }
            return nil
        }
    }

    /// Runs the host's link; on failure prints the linker's last lines.
    private func linkHost(_ builder: AppLibraryBuilder) -> Bool {
        guard let (end, output) = runBuild(builder.plan.linkArguments[0], builder.hostLinkArguments) else { return false }
        if !end.succeeded { console.lines(output.split(separator: "\n").suffix(5).joined(separator: "\n")) }
        return end.succeeded
    }

    /// The binary and environment of the next server: the host with the newest library once fast
    /// reloads are ready, else SwiftPM's binary.
    func serverCommand(_ session: Session) -> (binary: String, environment: [String: String]) {
        var env = childEnvironment(session)
        guard let library = session.library, let path = library.current else { return (binaryPath, env) }
        env[Self.appLibraryVariable] = path
        return (library.hostPath, env)
    }

    /// The variable that makes a server load an app library instead of its own routes.
    static let appLibraryVariable = "EDGE_APP_LIBRARY"

    /// Variables only the server reads, which `make dev` or the user set for `edge dev`.
    static let serverOnlyVariables: Set<String> = ["PORT", "HOST", "LOG_FORMAT", "LOG_LEVEL", "EDGE_CONFIG", "EDGE_DEV", appLibraryVariable]

    /// The build's environment: the process environment without the server-only variables.
    /// SwiftPM keys its manifest cache on the environment, so a build whose environment differs
    /// from the one of the user's last `swift build` / `make build` re-evaluates the manifest and
    /// re-plans everything (20-30 s here instead of 2-3 s).
    /// The whole environment counts, so it is made to look like the shell's own `swift build` in
    /// the project: bash sets `_` to the command's path and `PWD` to the folder (under make, whose
    /// `/bin/sh` sets neither, `_` is left as make's `build` target saw it).
    var buildEnvironment: [String: String] {
        var env = options.processEnvironment.filter { !Self.serverOnlyVariables.contains($0.key) }
        if env["MAKELEVEL"] == nil,
           let swift = Subprocess.findExecutable(options.swift, path: env["PATH"]) {
            env["_"] = swift
        }
        if env["PWD"] != nil { env["PWD"] = project }
        return env
    }

    /// Runs a build command; nil (after printing why) if it could not start.
    private func runBuild(_ executable: String, _ arguments: [String]) -> (Subprocess.Termination, String)? {
        defer { buildPid.store(0, ordering: .releasing) }
        do {
            return try Subprocess.run(executable, arguments, environment: buildEnvironment, directory: project,
                                      started: { pid in self.buildPid.store(pid, ordering: .releasing) },
                                      onLine: { line in
                                          if line.hasPrefix("[") { self.console.status(line) }
                                      })
        } catch {
            console.error("\(error)")
            return nil
        }
    }

    static func count(_ n: Int, _ noun: String) -> String { n == 1 ? "1 \(noun)" : "\(n) \(noun)s" }

    // MARK: Servers

    /// Starts a new server, waits for it to listen, switches new connections to it, then retires
    /// the old one (SIGTERM: it finishes in-flight requests). On failure the old one keeps serving.
    @discardableResult
    private func restart(_ session: inout Session, relay: Relay, timing: (start: Double, build: Double?)?, announce: String? = nil) -> Bool {
        let startedAt = Clock.now()
        let generation = session.nextGeneration
        session.nextGeneration += 1
        let child: ChildServer
        let (binary, environment) = serverCommand(session)
        do {
            child = try ChildServer.start(binary: binary, environment: environment, directory: project,
                                          generation: generation, console: console) { [self] child, termination in
                childPids.withLock { _ = $0.remove(child.pid) }
                if !child.isTerminating { events.post(.childExited(generation: child.generation, termination)) }
            }
        } catch {
            console.error("\(error)")
            return false
        }
        childPids.withLock { _ = $0.insert(child.pid) }
        guard let port = child.waitUntilListening(timeout: options.startTimeout) else {
            let why = child.termination.map { "it exited (\($0))" } ?? "no listening line within \(Int(options.startTimeout)) s"
            child.forceKill()
            console.error("the new server did not start: \(why)" + (session.current != nil ? "; the previous version keeps serving" : ""))
            return false
        }
        relay.setBackend(.ready(port: port))
        session.servedLibrary = environment[Self.appLibraryVariable]
        session.library?.removeOldLibraries()
        let old = session.current
        session.current = child
        if let old {
            // Connections relayed to the old server a moment ago may not have delivered their
            // request yet, and a draining server closes idle connections: give them a moment.
            old.markRetiring()
            let timeout = options.drainTimeout, delay = options.retireDelay
            OSThread.start {
                usleep(useconds_t(delay * 1_000_000))
                old.terminate()
                if old.waitForExit(timeout: timeout) == nil { old.forceKill() }
            }
        }
        stats.withLock { $0.generation += 1 }
        let startSeconds = Clock.now() - startedAt
        if let announce {
            console.success("\(announce) (start \(Clock.format(seconds: startSeconds)))")
        } else if let timing {
            var detail = "start \(Clock.format(seconds: startSeconds))"
            if let b = timing.build { detail = "build \(Clock.format(seconds: b)), " + detail }
            console.success("reloaded in \(Clock.format(seconds: Clock.now() - timing.start)) (\(detail))")
        } else {
            console.success("ready in \(Clock.format(seconds: startSeconds))")
        }
        printRoutes(&session)
        return true
    }

    /// `edge routes`, with what changed since the last table.
    private func printRoutes(_ session: inout Session) {
        let (binary, environment) = serverCommand(session)
        guard let (termination, output) = try? Subprocess.run(binary, ["routes"], environment: environment, directory: project),
              termination.succeeded else { return }
        let table = output.trimmingTrailingNewlines
        if let old = session.routes {
            let diff = RouteDiff(old: old, new: table)
            if !diff.isEmpty {
                console.info("routes changed (+\(diff.added.count) -\(diff.removed.count)):")
                console.lines(RouteDiff.render(old: old, new: table, color: console.style.enabled))
            }
        } else {
            console.info("routes:")
            console.lines(RouteDiff.render(old: nil, new: table, color: console.style.enabled))
        }
        session.routes = table
    }

    private func shutdown(_ session: inout Session, relay: Relay) -> Int32 {
        console.info("stopping…")
        relay.stop()
        if let current = session.current {
            current.terminate()
            if current.waitForExit(timeout: options.drainTimeout) == nil {
                console.warn("the server did not stop within \(Int(options.drainTimeout)) s; killing it")
                current.forceKill()
                current.waitForExit(timeout: 5)
            }
        }
        // Old servers still draining.
        for p in childPids.withLock({ $0 }) { kill(p, SIGTERM) }
        let deadline = Clock.now() + options.drainTimeout
        while !childPids.withLock({ $0.isEmpty }), Clock.now() < deadline { usleep(20_000) }
        session.current = nil
        return 0
    }
}

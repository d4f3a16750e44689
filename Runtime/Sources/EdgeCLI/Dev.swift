import ArgumentParser
import DevServer
import Server

/// `edge dev`: watch, rebuild and swap servers on save (see `DevCommand`).
struct Dev: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Watch Functions/, vercel-like.json and .env*; rebuild and swap servers on save.",
        discussion: """
        Serves on --port (else PORT, else 8000) and reloads on every save: after one swift build --product <this binary's product>, recompiles only the app module as a shared library (incrementally, with SwiftPM's own flags), loads it into a fresh server and retires the old one without refusing a connection (--no-fast-reload: swift build every time). A failed build leaves the previous version serving and prints the errors. Env files (later wins, the shell environment wins over all): .env, .env.development, .env.local, .env.development.local. Logs are pretty unless LOG_FORMAT is set. Also: SWIFT, NO_COLOR.
        """
    )

    @Option(name: [.short, .long], help: ArgumentHelp("The port to listen on, 0 to 65535 (default: $PORT, else 8000).", valueName: "port"))
    var port: Int?

    @Option(name: .long, help: ArgumentHelp("The address to listen on (default: $HOST, else 0.0.0.0).", valueName: "address"))
    var host: String?

    @Option(name: [.customShort("C"), .long], help: ArgumentHelp("The project folder (default: the current directory).", valueName: "dir"))
    var project: String?

    @Flag(name: .customLong("no-build"), help: "Serve the binary already built instead of building first.")
    var noBuild = false

    @Flag(name: .customLong("no-fast-reload"), help: "Run swift build on every change instead of recompiling only the app as a library.")
    var noFastReload = false

    @Option(name: .customLong("scratch-path"), help: ArgumentHelp("The build directory, when not the project's .build (swift build --scratch-path).", valueName: "dir"))
    var scratchPath: String?

    @OptionGroup var options: ConfigOptions

    func validate() throws {
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be from 0 to 65535 (got \(port))") }
        if host?.isEmpty == true { throw ValidationError("--host needs an address") }
        if scratchPath?.isEmpty == true { throw ValidationError("--scratch-path needs a folder") }
    }

    func run() async throws {
        var environment = FileIO.processEnvironment()
        // The servers `edge dev` starts read these through the configuration loader.
        if let config = options.config { environment["EDGE_CONFIG"] = config }
        if let data = options.data { environment["KV_PATH"] = data }
        var port = self.port
        if port == nil, let text = environment["PORT"] {
            guard let n = Int(text), (0...65535).contains(n) else {
                throw ConfigurationError("environment variable PORT must be an integer from 0 to 65535 (got '\(text)')")
            }
            port = n
        }
        let rc = await DevCommand.run(project: project, host: host ?? environment["HOST"] ?? "0.0.0.0", port: port ?? 8000,
                                      buildOnStart: !noBuild, environment: environment,
                                      product: ServedApp.current.product, scratchPath: scratchPath, fastReloads: !noFastReload)
        if rc != 0 { throw ExitCode(rc) }
    }
}

import ArgumentParser
import EdgeRuntime

/// `edge`: the root command. Exit status 0 on success, 1 when the command failed (a bad config value,
/// a port in use, a missing key), 2 for a usage error (an unknown command or option, a bad argument).
struct EdgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edge",
        abstract: "swift-edge: a self-hosted edge-function runtime.",
        discussion: """
        Settings, highest priority first: flags; the environment; .env, .env.production, .env.local, .env.production.local (later wins; the .env.development set under `edge dev`); vercel-like.json.

        Environment: PORT, HOST, EDGE_WORKERS, EDGE_CONFIG, KV_PATH, EDGE_KV=off, LOG_LEVEL (trace|debug|info|notice|warning|error|critical), LOG_FORMAT (json|pretty), ACCESS_LOG (on|off), CRON_SECRET, EDGE_ADMIN_TOKEN (enables /__edge/ operator endpoints).

        Exit status: 0 success, 1 failure, 2 usage error.

        Shell completion: edge --generate-completion-script bash|zsh|fish
        """,
        version: "edge \(RuntimeInfo.version)",
        subcommands: [Init.self, Serve.self, Dev.self, Routes.self, CronCommand.self, KVGroup.self, Version.self]
    )

    /// `edge` alone: the usage, and status 2.
    func run() throws {
        printError(Self.helpMessage() + "\n")
        throw ExitCode(2)
    }

    /// The commands that only group subcommands.
    static let groups: Set<String> = ["kv", "cron"]

    /// Parses and runs; the process exit status. Usage errors (swift-argument-parser's EX_USAGE) are 2.
    static func exitStatus(arguments: [String]) async -> Int32 {
        // `edge kv help` and `edge cron help` mean `edge help kv` / `edge help cron`.
        var arguments = arguments
        if arguments.count == 2, arguments[1] == "help", groups.contains(arguments[0]) { arguments = ["help", arguments[0]] }
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return 0
        } catch {
            let exit = exitCode(for: error)
            let message = fullMessage(for: error)
            if exit.isSuccess {
                if !message.isEmpty { print(message) }
                return 0
            }
            if !message.isEmpty { printError(message + "\n") }
            return exit == .validationFailure ? 2 : exit.rawValue
        }
    }
}

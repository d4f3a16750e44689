import ArgumentParser

/// `edge cron list` and `edge cron run PATH`.
struct CronCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cron",
        abstract: "The configured crons: list them, or run one now.",
        subcommands: [CronList.self, CronRun.self]
    )

    /// `edge cron` alone: the usage, and status 2.
    func run() throws {
        printError(EdgeCommand.helpMessage(for: Self.self) + "\n")
        throw ExitCode(2)
    }
}

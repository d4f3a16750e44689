import ArgumentParser
import KVTool

/// `edge kv backup`: Write a consistent compacted snapshot to a new directory (safe while serving).
struct KVBackup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "backup", abstract: "Write a consistent compacted snapshot to a new directory (safe while serving).")

    @Argument(help: ArgumentHelp("The backup directory (must not hold a data.mdb).", valueName: "dir"))
    var directory: String

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        try await KVGroup.perform(.backup(directory: directory), options)
    }
}

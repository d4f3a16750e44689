import ArgumentParser
import KVTool

/// `edge kv restore`: Replace the database with a backup (refused while a server has it open).
struct KVRestore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "restore", abstract: "Replace the database with a backup (refused while a server has it open).")

    @Argument(help: ArgumentHelp("The backup directory.", valueName: "dir"))
    var directory: String

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        try await KVGroup.perform(.restore(directory: directory), options)
    }
}

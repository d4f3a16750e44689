import ArgumentParser
import KVTool

/// `edge kv export`: Write all entries as JSON lines (default: standard output).
struct KVExport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Write all entries as JSON lines (default: standard output).")

    @Argument(help: ArgumentHelp("The file to write (- or none: standard output).", valueName: "file"))
    var file: String?

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        try await KVGroup.perform(.export(file: file), options)
    }
}

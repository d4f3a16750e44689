import ArgumentParser
import KVTool

/// `edge kv import`: Import JSON lines, streamed: all validated first; a bad line aborts naming it, with nothing written.
struct KVImport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import", abstract: "Import JSON lines, streamed: all validated first; a bad line aborts naming it, with nothing written.")

    @Argument(help: ArgumentHelp("The file to read (- for standard input).", valueName: "file"))
    var file: String

    @Flag(name: .customLong("continue"), help: "Skip bad lines, reporting each, and import the rest.")
    var continueOnError = false

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        try await KVGroup.perform(.importLines(file: file, continueOnError: continueOnError), options)
    }
}

import ArgumentParser
import KVTool

/// `edge kv delete`: Delete a key.
struct KVDelete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a key.")

    @Argument(help: ArgumentHelp("The key, a JSON array.", valueName: "key"))
    var key: String

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        try await KVGroup.perform(.delete(key: key), options)
    }
}

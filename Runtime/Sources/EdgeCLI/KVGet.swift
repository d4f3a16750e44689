import ArgumentParser
import KVTool

/// `edge kv get`: Print the entry as a kv-utils JSON line; exit status 1 if it is missing.
struct KVGet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Print the entry as a kv-utils JSON line; exit status 1 if it is missing.")

    @Argument(help: ArgumentHelp("The key, a JSON array.", valueName: "key"))
    var key: String

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        try await KVGroup.perform(.get(key: key), options)
    }
}

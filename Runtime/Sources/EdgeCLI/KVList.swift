import ArgumentParser
import KVTool

/// `edge kv list`: Print the entries under a prefix as kv-utils JSON lines.
struct KVList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Print the entries under a prefix as kv-utils JSON lines.")

    @Argument(help: ArgumentHelp("The key prefix, a JSON array (default: all keys).", valueName: "prefix"))
    var prefix: String?

    @Option(help: ArgumentHelp("At most this many entries.", valueName: "n"))
    var limit: Int?

    @Flag(help: "Last key first.")
    var reverse = false

    @Flag(name: .customLong("keys-only"), help: "Print the keys only.")
    var keysOnly = false

    @OptionGroup var options: ConfigOptions

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be a positive number (got \(limit))") }
    }

    func run() async throws {
        try await KVGroup.perform(.list(prefix: prefix, limit: limit, reverse: reverse, keysOnly: keysOnly), options)
    }
}

import ArgumentParser
import KVTool

/// `edge kv count`: Count the keys under a prefix (default: all).
struct KVCount: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "count", abstract: "Count the keys under a prefix (default: all).")

    @Argument(help: ArgumentHelp("The key prefix, a JSON array (default: all keys).", valueName: "prefix"))
    var prefix: String?

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        try await KVGroup.perform(.count(prefix: prefix), options)
    }
}

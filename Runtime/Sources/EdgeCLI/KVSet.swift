import ArgumentParser
import KVTool

/// `edge kv set`: Set a value (JSON).
struct KVSet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "set", abstract: "Set a value (JSON).")

    @Argument(help: ArgumentHelp("The key, a JSON array.", valueName: "key"))
    var key: String

    @Argument(help: ArgumentHelp("The value, JSON.", valueName: "json"))
    var value: String

    @Option(name: .customLong("expire-in"), help: ArgumentHelp("Expire after this many milliseconds.", valueName: "ms"))
    var expireIn: Int?

    @OptionGroup var options: ConfigOptions

    func validate() throws {
        if let expireIn, expireIn < 1 { throw ValidationError("--expire-in must be a positive number of milliseconds (got \(expireIn))") }
    }

    func run() async throws {
        try await KVGroup.perform(.set(key: key, value: value, expireIn: expireIn), options)
    }
}

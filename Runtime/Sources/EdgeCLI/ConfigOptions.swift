import ArgumentParser

/// The options every command that reads the project's configuration takes.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The vercel-like.json to read (default: $EDGE_CONFIG, else ./vercel-like.json; a named file must exist).", valueName: "file"))
    var config: String?

    @Option(name: [.customLong("data"), .customLong("path")],
            help: ArgumentHelp("The KV data directory (default: $KV_PATH, else kv.path in vercel-like.json, else ./.data/kv). --path is an alias.", valueName: "dir"))
    var data: String?

    func validate() throws {
        if config?.isEmpty == true { throw ValidationError("--config needs a file name") }
        if data?.isEmpty == true { throw ValidationError("--data needs a directory") }
    }
}

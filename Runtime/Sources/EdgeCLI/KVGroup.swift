import ArgumentParser
import KVTool

/// `edge kv …`: operate on the KV data directory. The directory is the one `edge serve` uses (the
/// configuration loader's: `--data DIR`, else `KV_PATH`, else `kv.path` in vercel-like.json, else
/// `./.data/kv`), or PostgreSQL when `KV_URL=postgres://…` and no `--data` is given. Read-only
/// subcommands never create a data directory.
struct KVGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kv",
        abstract: "Read and write the KV store: get, set, delete, list, count, export, import, backup, restore.",
        discussion: """
        Keys are JSON arrays ('["prompts","by_id",1]'; {"$bigint":"1"} or the kv-utils form for other part types). Entries print as JSON lines in the @deno/kv-utils form. A value starting with '-' goes after '--'.
        """,
        subcommands: [KVGet.self, KVSet.self, KVDelete.self, KVList.self, KVCount.self, KVExport.self, KVImport.self,
                      KVBackup.self, KVRestore.self]
    )

    /// `edge kv` alone: the usage, and status 2.
    func run() throws {
        printError(EdgeCommand.helpMessage(for: Self.self) + "\n")
        throw ExitCode(2)
    }

    /// Runs `operation` on the configured data directory; throws the exit status when it is not 0.
    static func perform(_ operation: KVCommand.Operation, _ options: ConfigOptions) async throws {
        let startup = try Startup.load(options)
        let rc = await KVCommand.perform(operation, path: startup.kvPath, postgresURL: options.data == nil ? startup.kvURL : nil)
        if rc != 0 { throw ExitCode(rc) }
    }
}

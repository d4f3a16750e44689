import ArgumentParser
import Cron
import EdgeRuntime
import Server

/// `edge cron run PATH`: runs one cron now, in-process, exactly as the scheduler would (and records the
/// run in the KV store, which it creates if needed). Exit status 1 if the run failed.
struct CronRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run one cron now, in-process, exactly as the scheduler would.")

    @Argument(help: ArgumentHelp("The cron's path, as in vercel-like.json (e.g. /api/cron/cleanup).", valueName: "path"))
    var path: String

    @OptionGroup var options: ConfigOptions

    func validate() throws {
        guard path.hasPrefix("/") else { throw ValidationError("<path> must start with '/' (got '\(path)')") }
    }

    func run() async throws {
        let startup = try Startup.load(options)
        let kv = await startup.openKV()
        defer { kv?.close() }
        let app = try startup.application(kv: kv)
        guard let scheduler = try startup.cronScheduler(app: app, kv: kv) else {
            throw ConfigurationError("no crons configured in \(startup.configuration.configFile ?? "vercel-like.json")")
        }
        let record = try await scheduler.runNow(path: path)
        print(record.description)
        await app.background.drain()
        if !record.outcome.isSuccess { throw ExitCode(1) }
    }
}

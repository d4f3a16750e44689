import ArgumentParser
import Cron
import EdgeJSON
import Server

/// `edge cron list`: path, schedule, next run (UTC), last run. Reads only: the last runs come from the
/// KV store when one exists; none is created.
struct CronList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The configured crons: path, schedule, next run (UTC), last run.")

    @Flag(help: "Print a JSON array, one object per cron.")
    var json = false

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let startup = try Startup.load(options)
        let kv = await startup.openExistingKV()
        defer { kv?.close() }
        let app = try startup.application(kv: kv)
        guard let scheduler = try startup.cronScheduler(app: app, kv: kv) else {
            if json { print("[]") } else { print("no crons configured in \(startup.configuration.configFile ?? "vercel-like.json")") }
            return
        }
        let status = await scheduler.status()
        print(json ? CronRuntime.statusJSON(status).text : CronJobStatus.table(status))
    }
}

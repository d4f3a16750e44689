import Cron
import EdgeRuntime
import Server

/// `edge cron list` and `edge cron run PATH`.
enum CronCommand {
    static let usage = """
    usage: edge cron list            the configured crons: path, schedule, next run (UTC), last run
           edge cron run PATH        run one cron now, in-process, exactly as the scheduler would
    """

    static func run(_ args: [String], routes: [RouteDescriptor], apps: [AppDescriptor]) async -> Int32 {
        guard let startup = Startup.load() else { return 1 }
        let kv = await startup.openKV()
        defer { kv?.close() }
        guard let app = startup.application(routes: routes, apps: apps, kv: kv) else { return 1 }
        let scheduler: CronScheduler?
        do { scheduler = try startup.cronScheduler(app: app, kv: kv) } catch {
            printError("edge: \(error)\n")
            return 1
        }
        switch args.first {
        case "list":
            guard let scheduler else { print("no crons configured in vercel-like.json"); return 0 }
            print(CronJobStatus.table(await scheduler.status()))
            return 0
        case "run":
            guard args.count == 2 else { printError(usage + "\n"); return 2 }
            guard let scheduler else { printError("edge: no crons configured\n"); return 1 }
            do {
                let record = try await scheduler.runNow(path: args[1])
                print(record.description)
                await app.background.drain()
                return record.outcome.isSuccess ? 0 : 1
            } catch {
                printError("edge: \(error)\n")
                return 1
            }
        default:
            printError(usage + "\n")
            return 2
        }
    }
}

import Cron
import EdgeRuntime
import KVLMDB
import Server

#if canImport(Glibc)
import Glibc
#endif

/// What every command that serves or inspects routes needs: environment, config, logger, application.
struct Startup {
    let env: [String: String]
    let config: EdgeConfig
    let logger: Logger
    let format: LogFormat

    static func load() -> Startup? {
        let env = FileIO.processEnvironment()
        let format = LogFormat.from(env)
        let level = env["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
        var logger = Logger(label: "edge") { label in EdgeLogHandler(label: label, level: level, format: format) }
        logger.logLevel = level
        let configPath = env["EDGE_CONFIG"] ?? "vercel-like.json"
        let config: EdgeConfig
        do {
            config = try EdgeConfig.parse(FileIO.read(configPath) ?? [])
        } catch {
            printError("edge: \(error.description)\n")
            return nil
        }
        return Startup(env: env, config: config, logger: logger, format: format)
    }

    /// The cron scheduler for the configured crons, or nil when there are none.
    func cronScheduler(app: EdgeApplication, kv: Kv?) throws -> CronScheduler? {
        let jobs = try CronRuntime.jobs(config)
        if jobs.isEmpty { return nil }
        let secret = try CronSecret.validate(env["CRON_SECRET"])
        let lease: any CronLease = kv.map { KVCronLease(kv: $0) } ?? InMemoryCronLease()
        let store: any CronRunStore = kv.map { KVCronRunStore(kv: $0) } ?? InMemoryCronRunStore()
        return try CronRuntime.scheduler(app: app, jobs: jobs, lease: lease, store: store, cronSecret: secret)
    }

    /// The KV data directory: `KV_PATH`, else `vercel-like.json` `kv.path`, else `./.data/kv`.
    var kvPath: String { env["KV_PATH"] ?? config.kvPath ?? "./.data/kv" }

    func application(routes: [RouteDescriptor], apps: [AppDescriptor], kv: Kv? = nil) -> EdgeApplication? {
        var services = Services()
        services[KvServiceKey.self] = kv
        services[FetchServiceKey.self] = HTTPClient.shared
        do {
            return try EdgeApplication(routes: routes, apps: apps, config: config, environment: env, logger: logger, services: services)
        } catch {
            printError("edge: \(error.description)\n")
            return nil
        }
    }
}

import Tracing
import Cron
import EdgeRuntime
import KVLMDB
import KVTool
import Server

#if canImport(Glibc)
import Glibc
#endif

/// What every command that serves or inspects routes needs: the ``Configuration``, the logger, the
/// KV data directory, the application.
struct Startup {
    let configuration: Configuration
    let logger: Logger
    /// The KV data directory: `--data`, else `KV_PATH`, else `vercel-like.json` `kv.path`, else `./.data/kv`.
    let kvPath: String

    var env: [String: String] { configuration.environment }

    /// The logger for the `listening` and `worker ready` lines, written whatever `LOG_LEVEL` says: `edge dev`
    /// and the tests wait for them.
    var announcer: Logger {
        var l = logger
        l.logLevel = min(logger.logLevel, .info)
        return l
    }
    var config: EdgeConfig { configuration.config }
    var format: LogFormat { configuration.logFormat }

    static let defaultKVPath = "./.data/kv"

    /// Loads the configuration (``Configuration``) with the shared flags applied.
    static func load(_ options: ConfigOptions) throws(ConfigurationError) -> Startup {
        let configuration = try Configuration.load(configPath: options.config, processEnvironment: FileIO.processEnvironment())
        let level = configuration.logLevel, format = configuration.logFormat
        var logger = Logger(label: "edge") { label in EdgeLogHandler(label: label, level: level, format: format) }
        logger.logLevel = level
        let kvPath = options.data ?? configuration.environment["KV_PATH"] ?? configuration.config.kvPath ?? defaultKVPath
        return Startup(configuration: configuration, logger: logger, kvPath: kvPath)
    }

    /// The cron scheduler for the configured crons, or nil when there are none.
    func cronScheduler(app: EdgeApplication, kv: Kv?) throws -> CronScheduler? {
        let jobs = try CronRuntime.jobs(config)
        if jobs.isEmpty { return nil }
        let secret = try CronSecret.validate(env["CRON_SECRET"])
        let holds = Dictionary(jobs.map { ($0.path, KVCronLease.holdLimitMs(for: $0, maxDuration: app.maxDuration(servingPath: $0.path))) },
                               uniquingKeysWith: { first, _ in first })
        let lease: any CronLease = kv.map { KVCronLease(kv: $0, holdLimitsMs: holds) } ?? InMemoryCronLease()
        let store: any CronRunStore = kv.map { KVCronRunStore(kv: $0) } ?? InMemoryCronRunStore()
        return try CronRuntime.scheduler(app: app, jobs: jobs, lease: lease, store: store, cronSecret: secret)
    }

    /// Opens the KV store only if one exists (read-only commands never create a data directory); a
    /// PostgreSQL store (`KV_URL`) is opened as it is.
    func openExistingKV() async -> Kv? {
        kvURL != nil || KVCommand.storeExists(at: kvPath) ? await openKV() : nil
    }

    /// The served app's (``ServedApp/current``) application.
    func application(kv: Kv? = nil) throws -> EdgeApplication {
        try application(routes: ServedApp.current.routes, apps: ServedApp.current.apps, kv: kv)
    }

    func application(routes: [RouteDescriptor], apps: [AppDescriptor], kv: Kv? = nil, tracer: (any Tracer)? = nil) throws -> EdgeApplication {
        var services = Services()
        services[KvServiceKey.self] = kv
        services[FetchServiceKey.self] = HTTPClient.shared
        do {
            return try EdgeApplication(routes: routes, apps: apps, config: config, environment: env, logger: logger, services: services, tracer: tracer)
        } catch {
            throw ConfigurationError("\(error)")
        }
    }

    /// The start-up line: where the settings came from, the `.env` variables by name, values redacted
    /// unless ``Redaction`` shows them.
    func logConfiguration() {
        var fromFiles: Logger.Metadata = [:]
        for (key, file) in configuration.fileOrigins {
            fromFiles[key] = .string("\(Redaction.value(key, env[key] ?? "")) (\(file))")
        }
        logger.info("configuration", metadata: [
            "config": .string(configuration.configFile ?? "none"),
            "envFiles": .array(configuration.envFiles.map { .string($0) }),
            "env": .dictionary(fromFiles),
            "kvPath": .string(kvPath),
            "logLevel": .string(configuration.logLevel.rawValue),
        ])
    }
}

import Cron
import EdgeRuntime
import Server
import ServiceLifecycle
import Supervisor

#if canImport(Glibc)
import Glibc
#endif

/// `edge serve`: the production server.
///
/// By default a supervisor and one worker process per core (`--workers N`, `EDGE_WORKERS`): the
/// supervisor binds the port and restarts any worker that dies, so a handler that traps takes down
/// its own worker's requests only. `--workers 0` serves in this one process (no isolation).
enum Serve {
    struct Options {
        var workers: Int?
        var allowNoKV = false
    }

    static func parse(_ args: [String]) -> Options? {
        var o = Options()
        var i = 0
        while i < args.count {
            let a = args[i]
            if a == "--workers" || a.hasPrefix("--workers=") {
                let value = a == "--workers" ? (i + 1 < args.count ? args[i + 1] : "") : String(a.dropFirst("--workers=".count))
                guard let n = Int(value), (0...256).contains(n) else {
                    printError("edge serve: --workers takes a number from 0 to 256 (got '\(value)')\n")
                    return nil
                }
                o.workers = n
                i += a == "--workers" ? 2 : 1
            } else if a == "--no-kv" {
                o.allowNoKV = true
                i += 1
            } else {
                printError("edge serve: unknown option '\(a)' (options: --workers N, --no-kv)\n")
                return nil
            }
        }
        return o
    }

    static func run(_ args: [String], routes: [RouteDescriptor], apps: [AppDescriptor]) async -> Int32 {
        _ = RuntimeInfo.startInstant
        guard var options = parse(args) else { return 2 }
        OpenFileLimit.raise()
        guard let startup = Startup.load() else { return 1 }
        if startup.env["EDGE_KV"]?.lowercased() == "off" { options.allowNoKV = true }
        let host = startup.env["HOST"] ?? "0.0.0.0"
        guard let port = Int(startup.env["PORT"] ?? "8000"), (0...65535).contains(port) else {
            printError("edge: PORT must be a number from 0 to 65535\n")
            return 1
        }
        if let role = WorkerRole(environment: startup.env) {
            return await serve(startup, routes: routes, apps: apps, host: host, port: port, options: options, role: role)
        }
        let workers = options.workers ?? startup.env["EDGE_WORKERS"].flatMap { Int($0) } ?? Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        if workers <= 0 {
            return await serve(startup, routes: routes, apps: apps, host: host, port: port, options: options, role: nil)
        }
        return await supervise(startup, workers: workers, host: host, port: port, arguments: ["serve"] + args)
    }

    /// The address the "listening" line announces (tools wait for it: `edge dev`, the tests).
    static func url(host: String, port: Int) -> String {
        "http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(port)"
    }

    /// The supervisor: binds the port, starts the workers, restarts the ones that die.
    static func supervise(_ startup: Startup, workers: Int, host: String, port: Int, arguments: [String]) async -> Int32 {
        let socket: ListeningSocket
        do { socket = try ListeningSocket(host: host, port: port) } catch {
            printError("edge: \(error.description)\n")
            return 1
        }
        var environment = FileIO.processEnvironment()
        // The workers share the cores: one event loop each unless told otherwise.
        if environment["EDGE_EVENT_LOOPS"] == nil {
            environment["EDGE_EVENT_LOOPS"] = String(max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) / workers))
        }
        // A crashed worker's backtrace: the crashing thread, unsymbolicated (addresses and images), so the
        // worker is gone in ~0.1 s instead of the ~2 s a full symbolicated one takes while its connections wait.
        if environment["SWIFT_BACKTRACE"] == nil {
            environment["SWIFT_BACKTRACE"] = "enable=yes,interactive=no,threads=crashed,registers=none,images=mentioned,symbolicate=off"
        }
        let logger = startup.logger
        let supervisor: WorkerSupervisor
        do {
            supervisor = try WorkerSupervisor(workers: workers, socket: socket, arguments: arguments, environment: environment, logger: logger) {
                logger.info("listening", metadata: [
                    "url": .string(url(host: host, port: socket.port)),
                    "workers": .stringConvertible(workers),
                ])
                LogSink.standardOutput.flush()
            }
        } catch {
            printError("edge: \(error.description)\n")
            return 1
        }
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: supervisor)], gracefulShutdownSignals: [.sigterm, .sigint],
            logger: Logger(label: "edge.lifecycle", factory: { _ in SwiftLogNoOpLogHandler() })))
        do {
            try await group.run()
        } catch {
            logger.critical("supervisor stopped", metadata: ["error": .string("\(error)")])
            LogSink.standardOutput.flush()
            return 1
        }
        logger.info("stopped")
        LogSink.standardOutput.flush()
        return 0
    }

    /// One serving process: a worker of a supervisor (`role`), or the whole server (`--workers 0`).
    static func serve(_ startup: Startup, routes: [RouteDescriptor], apps: [AppDescriptor], host: String, port: Int,
                      options: Options, role: WorkerRole?) async -> Int32 {
        let kv = await startup.openKV()
        defer { kv?.close() }
        if kv == nil, !options.allowNoKV {
            printError("edge: the KV store at \(startup.kvLocation) could not be opened (see the log line above); fix KV_PATH/KV_URL, or serve without KV with --no-kv\n")
            return 1
        }
        guard let app = startup.application(routes: routes, apps: apps, kv: kv) else { return 1 }
        if ["UPSTASH_REDIS_REST_URL", "UPSTASH_REDIS_REST_TOKEN", "KV_REST_API_URL", "KV_REST_API_TOKEN"].contains(where: { startup.env[$0] != nil }) {
            startup.logger.info("UPSTASH_*/KV_REST_* are set but not used: functions store data in the runtime's KV at \(startup.kvLocation)")
        }
        let server = EdgeServer(app: app, host: host, port: port, listenFD: role?.listenFD, logFormat: startup.format,
                                accessLog: startup.env["ACCESS_LOG"]?.lowercased() != "off")
        let logger = startup.logger
        var services: [any Service] = [AppsService(app)]
        do {
            if let scheduler = try startup.cronScheduler(app: app, kv: kv) {
                app.runtimeEndpoints.setCronStatus { CronRuntime.statusJSON(await scheduler.status()) }
                services.append(CronService(scheduler))
            }
        } catch {
            printError("edge: \(error)\n")
            return 1
        }
        do {
            // Released after the last request and `waitUntil` task: queued KV commits are flushed and the
            // LMDB environment closed; transfers still open are aborted and the curl thread joined.
            var resources: [any Service] = []
            if let kv { resources.append(ResourceService("kv") { kv.close() }) }
            resources.append(ResourceService("fetch") { HTTPClient.shared.shutdown() })
            try await server.run(resources: resources, extraServices: services) { bound in
                if let role {
                    logger.info("worker ready", metadata: ["pid": .stringConvertible(getpid()), "routes": .stringConvertible(routes.count)])
                    LogSink.standardOutput.flush()
                    role.announceReady()
                } else {
                    logger.info("listening", metadata: [
                        "url": .string(url(host: host, port: bound)),
                        "routes": .stringConvertible(routes.count),
                    ])
                    LogSink.standardOutput.flush()
                }
            }
        } catch {
            logger.critical("server failed", metadata: ["error": .string("\(error)")])
            return 1
        }
        return 0
    }
}

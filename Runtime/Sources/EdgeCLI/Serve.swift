import ArgumentParser
import Cron
import EdgeRuntime
import Server
import ServiceLifecycle
import Tracing
import Supervisor

#if canImport(Glibc)
import Glibc
#endif

/// `edge serve`: the production server.
///
/// By default a supervisor and one worker process per core (`--workers N`, `EDGE_WORKERS`): the
/// supervisor binds the port and restarts any worker that dies, so a handler that traps takes down
/// its own worker's requests only. `--workers 0` serves in this one process (no isolation).
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the Functions/ routes (the production server).",
        discussion: """
        Listens on --port (else PORT, else 8000) at --host (else HOST, else 0.0.0.0). Logs one JSON line per request on standard output (LOG_FORMAT=pretty for humans; ACCESS_LOG=off to turn it off).
        """
    )

    @Option(name: .long, help: ArgumentHelp("The port to listen on, 0 to 65535 (default: $PORT, else 8000; 0 picks a free one).", valueName: "port"))
    var port: Int?

    @Option(name: .long, help: ArgumentHelp("The address to listen on (default: $HOST, else 0.0.0.0).", valueName: "address"))
    var host: String?

    @Option(name: .long, help: ArgumentHelp("Worker processes, 0 to 256; 0 serves in this one process (default: $EDGE_WORKERS, else one per core).", valueName: "n"))
    var workers: Int?

    @Flag(name: .customLong("no-kv"), help: "Serve even when the KV store cannot be opened (context.kv answers 503). Also EDGE_KV=off.")
    var allowNoKV = false

    @OptionGroup var options: ConfigOptions

    func validate() throws {
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be from 0 to 65535 (got \(port))") }
        if let workers, !(0...EdgeLimits.maxWorkers).contains(workers) {
            throw ValidationError("--workers must be from 0 to \(EdgeLimits.maxWorkers) (got \(workers))")
        }
        if host?.isEmpty == true { throw ValidationError("--host needs an address") }
    }

    func run() async throws {
        let rc = try await serve(routes: ServedApp.current.routes, apps: ServedApp.current.apps)
        if rc != 0 { throw ExitCode(rc) }
    }

    func serve(routes: [RouteDescriptor], apps: [AppDescriptor]) async throws -> Int32 {
        _ = RuntimeInfo.startInstant
        OpenFileLimit.raise()
        let startup = try Startup.load(options)
        let allowNoKV = try self.allowNoKV || startup.configuration.onOff("EDGE_KV") == false
        let host = self.host ?? startup.env["HOST"] ?? "0.0.0.0"
        let port = self.port ?? startup.configuration.port ?? 8000
        if let role = WorkerRole(environment: FileIO.processEnvironment()) {
            return await Self.serve(startup, routes: routes, apps: apps, host: host, port: port, allowNoKV: allowNoKV, role: role)
        }
        startup.logConfiguration()
        let workers = self.workers ?? startup.configuration.workers ?? Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        if workers <= 0 {
            return await Self.serve(startup, routes: routes, apps: apps, host: host, port: port, allowNoKV: allowNoKV, role: nil)
        }
        return await Self.supervise(startup, workers: workers, host: host, port: port, arguments: Array(CommandLine.arguments.dropFirst()))
    }

    /// The address the "listening" line announces (tools wait for it: `edge dev`, the tests).
    static func url(host: String, port: Int) -> String {
        "http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(port)"
    }

    /// The supervisor: binds the port, starts the workers, restarts the ones that die.
    static func supervise(_ startup: Startup, workers: Int, host: String, port: Int, arguments: [String]) async -> Int32 {
        let socket: ListeningSocket
        do { socket = try ListeningSocket(host: host, port: port) } catch {
            printError("edge: cannot listen on \(host):\(port): \(error.description)\n")
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
        let announcer = startup.announcer
        let supervisor: WorkerSupervisor
        do {
            supervisor = try WorkerSupervisor(workers: workers, socket: socket, arguments: arguments, environment: environment, logger: logger) {
                announcer.info("listening", metadata: [
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
                      allowNoKV: Bool, role: WorkerRole?) async -> Int32 {
        if role == nil { EdgeServer.installSingleProcessMetrics() }
        let kv = await startup.openKV()
        defer { kv?.close() }
        if kv == nil, !allowNoKV {
            printError("edge: the KV store at \(startup.kvLocation) could not be opened (see the log line above); fix KV_PATH/KV_URL or the data directory, or serve without KV with --no-kv\n")
            return 1
        }
        let app: EdgeApplication
        let tracing: (tracer: any Tracer, exporter: any Service)?
        do {
            tracing = try startup.startTracing()
            app = try startup.application(routes: routes, apps: apps, kv: kv, tracer: tracing?.tracer)
        } catch {
            printError("edge: \(error)\n")
            return 1
        }
        if ["UPSTASH_REDIS_REST_URL", "UPSTASH_REDIS_REST_TOKEN", "KV_REST_API_URL", "KV_REST_API_TOKEN"].contains(where: { startup.env[$0] != nil }) {
            startup.logger.info("UPSTASH_*/KV_REST_* are set but not used: functions store data in the runtime's KV at \(startup.kvLocation)")
        }
        let server = EdgeServer(app: app, host: host, port: port, listenFD: role?.listenFD, logFormat: startup.format,
                                accessLog: startup.configuration.accessLog && startup.configuration.logLevel <= .info)
        let logger = startup.logger
        let announcer = startup.announcer
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
            // The span exporter first: it is shut down last, after the last request's spans have ended.
            var resources: [any Service] = tracing.map { [$0.exporter] } ?? []
            if let kv { resources.append(ResourceService("kv") { kv.close() }) }
            resources.append(ResourceService("fetch") { HTTPClient.shared.shutdown() })
            try await server.run(resources: resources, extraServices: services) { bound in
                if let role {
                    announcer.info("worker ready", metadata: ["pid": .stringConvertible(getpid()), "routes": .stringConvertible(routes.count)])
                    LogSink.standardOutput.flush()
                    role.announceReady()
                } else {
                    announcer.info("listening", metadata: [
                        "url": .string(url(host: host, port: bound)),
                        "routes": .stringConvertible(routes.count),
                    ])
                    LogSink.standardOutput.flush()
                }
            }
        } catch {
            logger.critical("server failed", metadata: ["error": .string("\(error)"), "address": .string("\(host):\(port)")])
            LogSink.standardOutput.flush()
            printError("edge: cannot serve on \(host):\(port): \(error)\n")
            return 1
        }
        return 0
    }
}

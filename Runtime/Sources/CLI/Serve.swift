import Cron
import EdgeRuntime
import Server
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// `edge serve`: the production server.
enum Serve {
    static func run(_ args: [String], routes: [RouteDescriptor], apps: [AppDescriptor]) async -> Int32 {
        _ = RuntimeInfo.startInstant
        guard let startup = Startup.load() else { return 1 }
        let kv = startup.openKV()
        defer { kv?.close() }
        guard let app = startup.application(routes: routes, apps: apps, kv: kv) else { return 1 }
        let host = startup.env["HOST"] ?? "0.0.0.0"
        guard let port = Int(startup.env["PORT"] ?? "8000"), (0...65535).contains(port) else {
            printError("edge: PORT must be a number from 0 to 65535\n")
            return 1
        }
        if ["UPSTASH_REDIS_REST_URL", "UPSTASH_REDIS_REST_TOKEN", "KV_REST_API_URL", "KV_REST_API_TOKEN"].contains(where: { startup.env[$0] != nil }) {
            startup.logger.info("UPSTASH_*/KV_REST_* are set but not used: functions store data in the runtime's KV at \(startup.kvPath)")
        }
        let server = EdgeServer(app: app, host: host, port: port, logFormat: startup.format, accessLog: startup.env["ACCESS_LOG"]?.lowercased() != "off")
        let logger = startup.logger
        var services: [any Service] = []
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
            try await server.run(extraServices: services) { bound in
                logger.info("listening", metadata: [
                    "url": .string("http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(bound)"),
                    "routes": .stringConvertible(routes.count),
                ])
                LogSink.standardOutput.flush()
            }
        } catch {
            logger.critical("server failed", metadata: ["error": .string("\(error)")])
            return 1
        }
        return 0
    }
}

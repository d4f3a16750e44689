import EdgeRuntime
import DevServer
import KVTool
import Server

#if canImport(Glibc)
import Glibc
#endif

/// Dispatches `edge <command>`.
enum EdgeCommand {
    static let usage = """
    usage: edge <command> [options]

    commands:
      serve            serve the Functions/ routes (PORT, default 8000; HOST, default 0.0.0.0)
      dev              watch Functions/, vercel-like.json and .env*; rebuild and swap servers on save
      routes           print the route table: methods, pattern, file, limits
      cron list|run    the configured crons; run one now
      kv ...           get|set|delete|list|count|export|import|backup|restore on the data directory (edge kv help)
      version          print the runtime version
      help             this text

    environment: PORT, HOST, LOG_FORMAT=json|pretty, LOG_LEVEL, EDGE_CONFIG (default ./vercel-like.json),
             KV_PATH (default ./.data/kv), CRON_SECRET, EDGE_ADMIN_TOKEN (enables /__edge/ operator endpoints)
    """

    static func run(_ args: [String], routes: [RouteDescriptor], apps: [AppDescriptor]) async -> Int32 {
        guard let command = args.first else {
            print(usage)
            return 2
        }
        let rest = Array(args.dropFirst())
        switch command {
        case "serve": return await Serve.run(rest, routes: routes, apps: apps)
        case "dev": return await DevCommand.run(rest, environment: FileIO.processEnvironment())
        case "routes": return Routes.run(rest, routes: routes, apps: apps)
        case "cron": return await CronCommand.run(rest, routes: routes, apps: apps)
        case "kv": return await KVCommand.run(rest)
        case "version", "--version": print("edge \(RuntimeInfo.version)"); return 0
        case "help", "--help", "-h": print(usage); return 0
        default:
            printError("edge: unknown command '\(command)'\n\n\(usage)\n")
            return 2
        }
    }
}

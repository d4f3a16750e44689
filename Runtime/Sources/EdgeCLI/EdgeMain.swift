import Server

#if canImport(Glibc)
import Glibc
#endif

/// The whole `edge` command line as a library: an app's executable is one call.
///
/// ```swift
/// // Sources/AppMain/main.swift: the executable of a project made by `edge init`.
/// import App        // the Functions/ target; RouteTablePlugin generates its FunctionsManifest
/// import EdgeCLI
///
/// await EdgeMain.run(ServedApp(routes: FunctionsManifest.routes, apps: FunctionsManifest.apps, product: "app"))
/// ```
///
/// Every command (`serve`, `dev`, `routes`, `cron`, `kv`, `init`, `version`) behaves as in this repository's
/// own `edge`; the app's routes replace the seed apps.
public enum EdgeMain {
    /// Parses `CommandLine.arguments`, runs the command with `app` as ``ServedApp/current`` and exits the
    /// process: 0 success, 1 failure, 2 usage error. When `EDGE_APP_LIBRARY` names an app library
    /// (`edge dev`'s fast reloads), its routes replace `app`'s.
    public static func run(_ app: ServedApp) async -> Never {
        // Before any event loop starts.
        let environment = FileIO.processEnvironment()
        EventLoops.configure(environment)
        let served: ServedApp
        do {
            served = try AppLibrary.resolve(app, environment: environment)
        } catch {
            printError("edge: \(error)\n")
            exit(1)
        }
        let code = await exitStatus(served, arguments: Array(CommandLine.arguments.dropFirst()))
        LogSink.standardOutput.flush()
        exit(code)
    }

    /// Runs one command line with `app` as ``ServedApp/current``; the exit status (the process keeps running).
    public static func exitStatus(_ app: ServedApp, arguments: [String]) async -> Int32 {
        await ServedApp.$current.withValue(app) {
            await EdgeCommand.exitStatus(arguments: arguments)
        }
    }
}

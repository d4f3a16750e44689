import EdgeRuntime
public import ServiceLifecycle

extension EdgeApplication {
    /// Runs every app's background work (``EdgeApp/run(_:)``) concurrently until all have returned or the
    /// calling task is cancelled. An app that throws is logged and does not stop the others.
    public func runApps() async {
        await withTaskGroup(of: Void.self) { group in
            for entry in apps {
                let context = AppContext(app: entry.name, env: entry.env, logger: logger, services: services)
                group.addTask {
                    do {
                        try await entry.app.run(context)
                    } catch is CancellationError {
                    } catch {
                        if !Task.isCancelled {
                            context.logger.error("app background work failed", metadata: ["error": .string("\(error)")])
                        }
                    }
                }
            }
        }
    }
}

/// The apps' background work as a lifecycle service: graceful shutdown cancels it. Work that ends early
/// (an app with none, or one that cannot start without KV under `--no-kv`) leaves the service waiting
/// for shutdown: a service group stops the whole server when any service returns.
public struct AppsService: Service {
    public let application: EdgeApplication
    public init(_ application: EdgeApplication) { self.application = application }
    public func run() async throws {
        await cancelWhenGracefulShutdown { await application.runApps() }
        try await gracefulShutdown()
    }
}

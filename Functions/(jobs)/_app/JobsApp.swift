import EdgeRuntime

/// System 002, the AI jobs API (CONTRACTS §3).
///
/// - CORS: `*` without credentials, any method and header; preflights answer 200 (Starlette).
/// - Errors: the 002 contract (``JobsErrors``), the runtime's own 405 and 413 included.
/// - Background (``run(_:)``): in every serving process, a liveness key refreshed while the process
///   lives, the boot cleanup (a job left `running` by a dead process becomes `failed`, `interrupted by
///   restart`), then the KV queue consumer that runs the jobs (``JobRunner``). Accepted jobs are in KV
///   with their queue message, so a restart loses none: the next process runs them.
struct JobsApp: EdgeApp {
    func policy(_ env: Environment) -> AppPolicy {
        AppPolicy(
            cors: CORS(origins: .any, allowMethods: "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT", allowHeaders: "*", maxAge: 600),
            preflightStatus: .ok,
            errors: JobsErrors.shape
        )
    }

    func run(_ context: AppContext) async throws {
        let kv = try context.kv
        let store = JobStore(kv: kv, config: context.env.derived(JobsConfig.init))
        let instance = JobStore.newId()
        let heartbeat = JobKeys.runner(instance)
        try await kv.set(heartbeat, .bool(true), expireIn: JobsLimits.runnerHeartbeatTTLMs)
        try await store.cleanup()
        let runner = JobRunner(store: store, instance: instance, logger: context.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    try await kv.clock.sleep(untilMs: kv.clock.nowMs() + JobsLimits.runnerHeartbeatIntervalMs)
                    try await kv.set(heartbeat, .bool(true), expireIn: JobsLimits.runnerHeartbeatTTLMs)
                }
            }
            group.addTask {
                try await kv.listenQueue { message in
                    do { try await runner.handle(message) } catch {
                        context.logger.error("jobs: queue message failed", metadata: ["error": .string("\(error)")])
                        throw error
                    }
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }
}

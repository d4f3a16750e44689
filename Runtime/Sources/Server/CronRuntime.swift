import CoreMetrics
public import Cron
public import EdgeRuntime
public import ServiceLifecycle

/// Wires `vercel-like.json` `crons` to the scheduler: each tick invokes the route in-process, as Vercel
/// does over HTTP: `GET <path>`, `user-agent: vercel-cron/1.0`, `x-vercel-cron-schedule: <expr>`, and
/// `Authorization: Bearer $CRON_SECRET` when `CRON_SECRET` is set; `Context.isCron` is true.
/// The same scheduler runs in `edge serve` and `edge dev`. Ticks missed while no process was running are
/// not replayed.
public enum CronRuntime {
    /// The scheduler's jobs for `config.crons` (start-up validation uses this too).
    public static func jobs(_ config: EdgeConfig) throws(CronConfigurationError) -> [CronJob] {
        try CronJob.jobs(from: config.crons.map { CronDeclaration(path: $0.path, schedule: $0.schedule, backoffSchedule: $0.backoffSchedule) })
    }

    /// Cron attempts, and the failed ones (a status outside 2xx, or a body that failed), through swift-metrics.
    static let runs = Counter(label: "edge_cron_runs_total")
    static let failures = Counter(label: "edge_cron_failures_total")

    /// One attempt of a cron run through the application; returns the HTTP status.
    public static func invoke(_ app: EdgeApplication, _ invocation: CronInvocation, cronSecret: String?) async throws -> Int {
        runs.increment()
        do {
            let status = try await attempt(app, invocation, cronSecret: cronSecret)
            if !(200..<300).contains(status) { failures.increment() }
            return status
        } catch {
            failures.increment()
            throw error
        }
    }

    private static func attempt(_ app: EdgeApplication, _ invocation: CronInvocation, cronSecret: String?) async throws -> Int {
        var headers = HTTPFields()
        for h in invocation.headers(cronSecret: cronSecret) {
            if let name = HTTPField.Name(h.name) { headers[name] = h.value }
        }
        var path = invocation.path, query: String? = nil
        if let q = path.firstIndex(of: "?") {
            query = String(path[path.index(after: q)...])
            path = String(path[..<q])
        }
        let request = Request(method: .get, path: path, rawQuery: query, headers: headers, host: "localhost")
        let outcome = await app.respond(to: request, requestId: "cron-" + RequestID.generate(), isCron: true)
        // Run a streamed body to its end: the handler's work is not done until then.
        if let stream = outcome.response.body.stream { for try await _ in stream {} }
        return Int(outcome.response.status.code)
    }

    public static func scheduler(
        app: EdgeApplication, jobs: [CronJob], lease: any CronLease, store: any CronRunStore, cronSecret: String?
    ) throws -> CronScheduler {
        let logger = app.logger
        return try CronScheduler(
            jobs: jobs, lease: lease, store: store,
            log: { line in logger.info("cron", metadata: ["run": .string(line)]) },
            invoke: { invocation in try await CronRuntime.invoke(app, invocation, cronSecret: cronSecret) }
        )
    }

    /// The status rows as JSON for the operator endpoint.
    public static func statusJSON(_ rows: [CronJobStatus]) -> JSONValue {
        .array(rows.map { row in .object(JSONObject(row.fields.map { ($0.key, JSONValue.string($0.value)) })) })
    }
}

/// The scheduler as a lifecycle service: graceful shutdown (SIGTERM) cancels `run()`, which lets a run in
/// progress finish within the scheduler's grace period, then returns.
public struct CronService: Service {
    public let scheduler: CronScheduler
    public init(_ scheduler: CronScheduler) { self.scheduler = scheduler }
    public func run() async throws {
        try await cancelWhenGracefulShutdown { try await scheduler.run() }
    }
}

import EdgeMetrics
public import EdgeRuntime
import Fetch
package import Tracing
package import EdgeTrace

/// The whole request pipeline without sockets: config phases, routing, method dispatch, limits,
/// deadlines, errors as the JSON envelope. The HTTP server and the in-process test client both call
/// ``respond(to:requestId:)``; the cron scheduler calls it too.
public final class EdgeApplication: Sendable {
    let table: RouteTable
    let phase: ConfigPhase
    public let config: EdgeConfig
    public let logger: Logger
    package let services: Services
    package let background: BackgroundWork
    /// The reserved `/__edge/` endpoints (cron status...).
    public let runtimeEndpoints: RuntimeEndpoints
    /// `TRUST_PROXY=1`: take the client address from `x-forwarded-for` (only behind a proxy you run).
    public let trustProxy: Bool
    /// Every declared app with its scoped environment, for ``runApps()``.
    let apps: [(name: String, app: any EdgeApp, env: Environment)]
    /// Where request figures go: this process's region of the table every worker shares (or a private
    /// table in a test), one recorder per route block, resolved here once (``MetricsLayout``).
    let metricsTable: MetricsTable
    private let recorders: [RouteRecorder]
    /// False with `EDGE_METRICS=off`: requests are not counted and `/metrics` answers 404 (the benchmark's
    /// baseline).
    let metricsOn: Bool
    /// The tracer requests are recorded with (``RequestSpan``), or nil: no span, nothing allocated for one.
    /// Fetch and KV spans go to `InstrumentationSystem.tracer`, so this is the bootstrapped one (the CLI
    /// passes it when `OTEL_EXPORTER_OTLP_ENDPOINT` is set, tests an in-memory one).
    let tracers: RequestSpan.Tracers?

    /// The outcome of one request: the response plus what the access log needs.
    public struct Outcome: Sendable {
        public var response: Response
        /// The matched route pattern, or nil (404, redirects, bad requests).
        public var route: String?
        /// True when the request body must not be read further (413 before reading): close the connection.
        public var closeConnection = false
        /// The app the route belongs to, and the access-log fields it and the handler added.
        public var app: String? = nil
        public var logFields: [(String, String)] = []
        /// The trace id of the request's span when tracing is on (the incoming `traceparent`'s, or a new one),
        /// for the access log; nil when tracing is off (the log then reads the header itself).
        package var trace: TraceID? = nil
        /// ``trace`` as 32 lowercase hex digits.
        public var traceId: String? { trace?.hex }
        /// The metrics block the request was counted in flight in (``recordEnd(_:status:nanoseconds:bytesIn:bytesOut:)``).
        var metricsBlock = MetricsLayout.unmatchedBlock
    }

    package init(routes: [RouteDescriptor], apps: [AppDescriptor] = [], config: EdgeConfig, environment: [String: String], logger: Logger, services: Services = Services(), tracer: (any Tracer)? = nil) throws(ConfigError) {
        self.tracers = tracer.map(RequestSpan.Tracers.init)
        self.table = try RouteTable(routes, apps: apps, config: config, env: Environment(environment), logger: logger)
        for (i, cron) in config.crons.enumerated() {
            let path = String(cron.path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            if table.match(path: path) == nil {
                throw ConfigError(path: "$.crons[\(i)].path", message: "'\(cron.path)' matches no route under Functions/")
            }
        }
        self.phase = ConfigPhase(config: config)
        self.config = config
        self.logger = logger
        // A private table starts at the KV store's clock, the one apps tell time by (tests inject it).
        let startMs = services[KvServiceKey.self]?.clock.nowMs() ?? WallClock.nowMilliseconds()
        let (metricsTable, region) = ProcessMetrics.current ?? (MetricsTable.anonymous(createdAtUnixMs: startMs), 0)
        self.metricsTable = metricsTable
        let metricsOn = environment["EDGE_METRICS"]?.lowercased() != "off"
        self.metricsOn = metricsOn
        let blocks = min(MetricsLayout.routeBlocks, MetricsLayout.firstRouteBlock + table.entries.count)
        self.recorders = (0..<blocks).map { metricsTable.recorder(region: region, block: $0) }
        let traffic = TrafficMetrics(table: metricsTable, routes: table.entries.map {
            TrafficMetrics.Route(block: $0.metricsBlock, pattern: $0.descriptor.pattern, app: $0.app)
        })
        var services = services
        services[TrafficMetricsKey.self] = traffic
        self.services = services
        self.background = BackgroundWork()
        var labels: [(block: Int, route: String)] = [(MetricsLayout.unmatchedBlock, "(unmatched)"), (MetricsLayout.runtimeBlock, "(runtime)")]
        for e in table.entries where e.metricsBlock < MetricsLayout.routeBlocks { labels.append((e.metricsBlock, e.descriptor.pattern)) }
        let routeLabels = labels
        let exposed = metricsTable
        let render: (@Sendable () -> String)? = metricsOn ? { @Sendable in MetricsExposition.render(exposed, routes: routeLabels) } : nil
        self.runtimeEndpoints = RuntimeEndpoints(adminToken: environment["EDGE_ADMIN_TOKEN"], testFaults: environment["EDGE_TEST_FAULTS"] == "1",
                                                 kv: services[KvServiceKey.self], metricsText: render)
        self.trustProxy = Environment(environment).bool("TRUST_PROXY")
        self.apps = apps.map { (name: $0.name, app: $0.makeApp(), env: Environment(environment).scoped(to: $0.name)) }
    }

    /// The `maxDuration` of the function that serves `path` (matched as received, before rewrites), if
    /// one does and it has one.
    public func maxDuration(servingPath path: String) -> Duration? {
        table.match(path: String(path.prefix { $0 != "?" }))?.entry.maxDuration
    }

    /// The mounted routes in precedence order: (methods, pattern, file, maxDuration s, maxRequestBodySize).
    public var routeTable: [(methods: String, pattern: String, file: String, maxDuration: Int, maxBody: Int)] {
        table.entries.map { e in
            (e.allow, e.descriptor.pattern, e.descriptor.file, Int(e.maxDuration?.components.seconds ?? 0), e.maxRequestBodySize)
        }
    }

    /// Answers one request. Never throws: every failure becomes a response in the error envelope.
    /// Its request figures are recorded as the HTTP server records them (body bytes: a streamed response
    /// counts none).
    public func respond(to request: Request, requestId: String, isCron: Bool = false) async -> Outcome {
        let start = ContinuousClock.now
        let bytesIn = request.body.declaredLength ?? 0
        let outcome = await respond(to: request, requestId: requestId, isCron: isCron, placement: .childTask)
        var bytesOut = 0
        if case .bytes(let b) = outcome.response.body { bytesOut = b.count }
        recordEnd(outcome, status: outcome.response.status.code, nanoseconds: (ContinuousClock.now - start).nanoseconds, bytesIn: bytesIn, bytesOut: bytesOut)
        return outcome
    }

    /// The recorder of route block `block` (the unmatched block's past the table's capacity).
    @inline(__always)
    private func recorder(_ block: Int) -> RouteRecorder {
        block < recorders.count ? recorders[block] : recorders[MetricsLayout.unmatchedBlock]
    }

    /// Counts a request in flight in `block` (nothing with `EDGE_METRICS=off`).
    @inline(__always)
    private func beginRequest(_ block: Int) {
        if metricsOn { recorder(block).begin() }
    }

    /// Records the end of a request ``respond(to:requestId:isCron:placement:)`` answered with `outcome`.
    func recordEnd(_ outcome: borrowing Outcome, status: Int, nanoseconds: Int64, bytesIn: Int, bytesOut: Int) {
        guard metricsOn else { return }
        recorder(outcome.metricsBlock).end(status: status, nanoseconds: nanoseconds, bytesIn: bytesIn, bytesOut: bytesOut)
    }

    /// ``respond(to:requestId:isCron:)`` with the handler's placement chosen by the caller: the HTTP
    /// server passes `.currentTask` (its task is the connection's, see ``Deadline/Placement``). The request
    /// is counted in flight in its outcome's metrics block; the caller ends it with ``recordEnd``.
    nonisolated(nonsending) func respond(to request: consuming Request, requestId: String, isCron: Bool = false, placement: Deadline.Placement) async -> Outcome {
        guard let tracers else { return await route(consume request, requestId: requestId, isCron: isCron, placement: placement) }
        return await RequestSpan.record(request, tracers: tracers, isCron: isCron) { request in
            await route(request, requestId: requestId, isCron: isCron, placement: placement)
        }
    }

    /// ``respond(to:requestId:isCron:placement:)`` without the request span.
    nonisolated(nonsending) private func route(_ request: consuming Request, requestId: String, isCron: Bool, placement: Deadline.Placement) async -> Outcome {
        var outcome: Outcome
        let extraHeaders: [(String, String)]
        switch plan(consume request, requestId: requestId) {
        case .done(let o):
            return o
        case .runtime(let req):
            beginRequest(MetricsLayout.runtimeBlock)
            let path = req.path
            var r = await runtimeEndpoints.respond(to: req, requestId: requestId)
            r.headers[HTTPField.Name.requestId] = requestId
            outcome = Outcome(response: r, route: path)
            outcome.metricsBlock = MetricsLayout.runtimeBlock
            return outcome
        case .answered(let o, let extra):
            outcome = o
            extraHeaders = extra
        case .external(let req, let url, let extra):
            beginRequest(MetricsLayout.unmatchedBlock)
            let client = services[FetchServiceKey.self] ?? HTTPClient.shared
            let peer = trustProxy ? nil : req.clientAddress
            outcome = Outcome(response: await ExternalRewrite.forward(req, to: url, client: client, requestId: requestId, peer: peer))
            extraHeaders = extra
        case .dispatch(let req, let match, let extra):
            outcome = await dispatch(req, match: match, requestId: requestId, isCron: isCron, placement: placement)
            extraHeaders = extra
        }
        Self.finish(&outcome, extraHeaders: extraHeaders, requestId: requestId)
        return outcome
    }

    /// Where ``plan(_:requestId:)`` sends a request, with the `headers` rules' fields for its response.
    private enum Routed {
        /// Answered in full (a bad target).
        case done(Outcome)
        /// The runtime's own endpoints.
        case runtime(Request)
        /// Answered without a function (a redirect, 404).
        case answered(Outcome, extra: [(String, String)])
        /// An external rewrite's upstream.
        case external(Request, url: String, extra: [(String, String)])
        /// A function.
        case dispatch(Request, RouteTable.Match, extra: [(String, String)])
    }

    /// Routing before any function runs: the target's checks, redirects, rewrites and the route table.
    /// Synchronous and out of line, so its values stay off the connection task's async frames.
    @inline(never)
    private func plan(_ request: consuming Request, requestId: String) -> Routed {
        var req = consume request
        let path = req.path
        guard path.hasPrefix("/"), !path.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else {
            beginRequest(MetricsLayout.unmatchedBlock)
            return .done(Outcome(response: HTTPError(.badRequest, code: "invalid_url", message: "The request target must be an absolute path").response(requestId: requestId)))
        }
        if path.hasPrefix(RuntimeEndpoints.prefix) || path == RuntimeEndpoints.metricsPath {
            return .runtime(req)
        }
        let facts = ConfigPhase.RequestFacts(headers: req.headers, query: req.rawQuery, host: req.host)
        let (redirect, extraHeaders) = phase.redirectsAndHeaders(path: path, query: req.rawQuery, facts: facts)
        if let (status, location) = redirect {
            var r = Response.redirect(to: location, status: HTTPResponse.Status(code: status))
            r.headers[.contentType] = "text/plain; charset=utf-8"
            r.body = .bytes(Array("Redirecting to \(location) (\(status))\n".utf8))
            beginRequest(MetricsLayout.unmatchedBlock)
            return .answered(Outcome(response: r), extra: extraHeaders)
        }
        // Static functions win over rewrites; dynamic ones only match after them (Vercel's order).
        let direct = table.match(path: path)
        var match = direct.flatMap { $0.entry.pattern.isStatic ? $0 : nil }
        if match == nil, let target = phase.rewrite(path: path, query: req.rawQuery, facts: facts) {
            switch target {
            case .path(let p, let q):
                req.path = p
                req.rawQuery = q
                match = table.match(path: p)
            case .external(let url):
                return .external(req, url: url, extra: extraHeaders)
            }
        }
        if let match = match ?? direct {
            return .dispatch(req, match, extra: extraHeaders)
        }
        beginRequest(MetricsLayout.unmatchedBlock)
        return .answered(
            Outcome(response: HTTPError(.notFound, code: "not_found", message: "No route matches \(path)", error: "Not Found").response(requestId: requestId)),
            extra: extraHeaders
        )
    }

    /// The `headers` rules' fields and the request id on a routed response.
    @inline(never)
    private static func finish(_ outcome: inout Outcome, extraHeaders: [(String, String)], requestId: String) {
        for (k, v) in extraHeaders {
            if let name = HTTPField.Name(k) { outcome.response.headers[name] = v }
        }
        outcome.response.headers.set(.requestId, requestId)
    }

    nonisolated(nonsending) private func dispatch(_ request: consuming Request, match: RouteTable.Match, requestId: String, isCron: Bool, placement: Deadline.Placement) async -> Outcome {
        let entry = match.entry
        let policy = entry.policy
        let origin = request.headers[.origin]
        let notes = ResponseNotes()
        beginRequest(entry.metricsBlock)
        var outcome = await answer(consume request, match: match, requestId: requestId, isCron: isCron, placement: placement, notes: notes)
        // The app's finishing touches, on every response of its routes.
        for field in notes.headers { outcome.response.headers.set(field) }
        policy.cors?.apply(to: &outcome.response, origin: origin)
        outcome.app = entry.app
        outcome.logFields += notes.fields
        outcome.metricsBlock = entry.metricsBlock
        return outcome
    }

    /// The route's answer before the app's finishing touches: preflight, method, limits, credential,
    /// then the handler under its deadline. Every error is rendered in the app's shape.
    nonisolated(nonsending) private func answer(_ request: consuming Request, match: RouteTable.Match, requestId: String, isCron: Bool, placement: Deadline.Placement, notes: ResponseNotes) async -> Outcome {
        let run: Run
        switch prepare(consume request, match: match, requestId: requestId, isCron: isCron, notes: notes) {
        case .answered(let outcome): return outcome
        case .run(let r): run = r
        }
        let handler = match.entry.handler
        do {
            let response: Response
            switch placement {
            case .currentTask:
                response = try await Deadline.onCurrentTask(until: run.context.deadline) {
                    try await handler.handle(run.request, context: run.context)
                }
            case .childTask:
                response = try await Deadline.inChildTask(until: run.context.deadline) {
                    try await handler.handle(run.request, context: run.context)
                }
            }
            return Outcome(response: response, route: match.entry.descriptor.pattern, logFields: run.logFields)
        } catch {
            return failed(error, run: run, match: match)
        }
    }

    /// A request past ``prepare(_:match:requestId:isCron:notes:)``: what its handler is called with.
    private struct Run: Sendable {
        var request: Request
        var context: Context
        var logFields: [(String, String)]
    }

    private enum Prepared {
        case answered(Outcome)
        case run(Run)
    }

    /// Everything before the handler, synchronous and out of line: its values stay off the connection
    /// task's async frames (an async function's frame holds every local of the function; `answer`'s was
    /// 5 KiB).
    @inline(never)
    private func prepare(_ request: consuming Request, match: RouteTable.Match, requestId: String, isCron: Bool, notes: ResponseNotes) -> Prepared {
        let entry = match.entry
        let policy = entry.policy
        let methods = entry.descriptor.methods
        var req = consume request
        req.parameters = match.parameters
        let route = entry.descriptor.pattern
        let fields = policy.logFields(req)
        func failure(_ e: HTTPError, closeConnection: Bool = false) -> Prepared {
            .answered(Self.errorOutcome(e, entry: entry, requestId: requestId, path: req.path, logFields: fields, closeConnection: closeConnection))
        }

        switch req.method {
        case .options where !methods.contains(.options):
            if policy.cors != nil {  // a preflight: answered before any credential; CORS added on the way out
                return .answered(Outcome(response: Response.empty(policy.preflightStatus), route: route, logFields: fields))
            }
            var r = Response.empty(.noContent)
            r.headers[.allow] = entry.allow
            return .answered(Outcome(response: r, route: route, logFields: fields))
        case .head where methods.contains(.get):
            req.method = .get  // the server sends the head only
        default:
            guard let m = HTTPMethods(req.method), methods.contains(m) else {
                var e = HTTPError(.methodNotAllowed, code: "method_not_allowed", message: "\(req.method.rawValue) is not allowed on \(route)", error: "Method Not Allowed")
                e.headers[.allow] = entry.allow
                return failure(e)
            }
        }

        if let declared = req.body.declaredLength, declared > entry.maxRequestBodySize {
            return failure(HTTPError(.contentTooLarge, code: "payload_too_large", message: "Request body of \(declared) bytes exceeds the limit of \(entry.maxRequestBodySize) bytes"), closeConnection: true)
        }
        req.body.limit = entry.maxRequestBodySize

        if let credential = entry.credential, !credential.admits(req.headers) {
            return failure(credential.failure)
        }

        let deadline = entry.maxDuration.map { ContinuousClock.now + $0 }
        let context = Context(
            requestId: requestId, logger: entry.logger, loggerCarriesApp: true, env: entry.env, parameters: match.parameters,
            app: entry.app, deadline: deadline, isCron: isCron, services: services, background: background,
            policy: policy, notes: notes, requestHeaders: req.headers
        )
        return .run(Run(request: req, context: context, logFields: fields))
    }

    /// The handler's failure in the app's error shape; out of line for the reason ``prepare`` is.
    @inline(never)
    private func failed(_ error: any Error, run: borrowing Run, match: RouteTable.Match) -> Outcome {
        let route = match.entry.descriptor.pattern
        func failure(_ e: HTTPError) -> Outcome {
            Self.errorOutcome(e, entry: match.entry, requestId: run.context.requestId, path: run.request.path, logFields: run.logFields)
        }
        if error is Deadline.Exceeded {
            run.context.logger.error("function exceeded maxDuration", metadata: ["route": .string(route)])
            // The request's task may be cancelled (see Deadline.Placement), and the handler may still hold
            // the request body: the server closes the connection once this response is written.
            var outcome = failure(HTTPError(.gatewayTimeout, code: "function_timeout", message: "The function did not answer within its maxDuration", error: "Gateway Timeout"))
            outcome.response.headers[.connection] = "close"
            return outcome
        }
        return failure(HTTPError(converting: error, requestId: run.context.requestId, logger: run.context.logger, route: route))
    }

    /// `e` in the route's app's error shape, as its outcome; `closeConnection` also says `connection: close`.
    private static func errorOutcome(_ e: HTTPError, entry: RouteTable.Entry, requestId: String, path: String, logFields: [(String, String)], closeConnection: Bool = false) -> Outcome {
        var r = entry.policy.errors.response(for: e, requestId: requestId, path: path)
        if closeConnection { r.headers[.connection] = "close" }
        return Outcome(response: r, route: entry.descriptor.pattern, closeConnection: closeConnection, logFields: logFields)
    }
}

extension HTTPField.Name {
    static let requestId = HTTPField.Name("x-request-id")!
    static let forwardedFor = HTTPField.Name("x-forwarded-for")!
    static let adminToken = HTTPField.Name("x-admin-token")!
}

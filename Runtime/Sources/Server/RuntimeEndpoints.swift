public import EdgeRuntime
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Endpoints the runtime itself serves under the reserved prefix `/__edge/`, for operators.
/// They require `EDGE_ADMIN_TOKEN` (as `Authorization: Bearer …` or `x-admin-token`, compared in constant
/// time) and fail closed when it is unset.
///
/// - `GET /__edge/crons`: every cron with its schedule, next run (UTC) and last run.
/// - `GET /metrics`: the Prometheus text exposition of the runtime's figures, every worker summed
///   (``MetricsExposition``; Decisions/0017). It shadows a function routed at `/metrics`.
public final class RuntimeEndpoints: Sendable {
    public static let prefix = "/__edge/"
    public static let metricsPath = "/metrics"
    private let cronStatus = Mutex<(@Sendable () async -> JSONValue)?>(nil)
    /// `EDGE_ADMIN_TOKEN`, kept as its digest (``ConstantTime/Secret``); nil when unset.
    let adminToken: ConstantTime.Secret?
    /// `EDGE_TEST_FAULTS=1` (tests only): `GET /__edge/test/trap` traps the serving process the way a
    /// handler bug does, and `GET /__edge/test/sleep?ms=N` holds a request open. Off unless asked for.
    let testFaults: Bool
    /// The `/metrics` body, rendered at each scrape; nil with `EDGE_METRICS=off`.
    let metricsText: (@Sendable () -> String)?

    init(adminToken: String?, testFaults: Bool = false, metricsText: (@Sendable () -> String)? = nil) {
        self.adminToken = adminToken.flatMap { $0.isEmpty ? nil : ConstantTime.Secret($0) }
        self.testFaults = testFaults
        self.metricsText = metricsText
    }

    public func setCronStatus(_ provider: @escaping @Sendable () async -> JSONValue) {
        cronStatus.withLock { $0 = provider }
    }

    func respond(to request: Request, requestId: String) async -> Response {
        guard let adminToken else {
            return HTTPError(.forbidden, code: "admin_disabled", message: "Set EDGE_ADMIN_TOKEN to enable the runtime endpoints").response(requestId: requestId)
        }
        let bearer = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
        let sent = bearer ?? request.headers[.adminToken] ?? ""
        guard adminToken.matches(sent) else {
            return HTTPError(.unauthorized, code: "unauthorized", message: "A valid admin token is required", error: "Unauthorized").response(requestId: requestId)
        }
        switch (request.method, request.path) {
        case (.get, Self.metricsPath), (.head, Self.metricsPath):
            guard let metricsText else {
                return HTTPError(.notFound, code: "metrics_disabled", message: "Metrics are off (EDGE_METRICS=off)", error: "Not Found").response(requestId: requestId)
            }
            var r = Response.text(metricsText())
            r.headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            r.headers[.cacheControl] = "no-store"
            return r
        case (.get, "/__edge/crons"):
            let provider = cronStatus.withLock { $0 }
            let crons: JSONValue = await provider?() ?? .array([])
            return Response.json(JSONValue.object(["crons": crons]))
        case (.get, "/__edge/test/trap") where testFaults:
            let empty: [Int] = []
            return .text("\(empty[Int(request.query["index"] ?? "1") ?? 1])")  // an index out of range: a trap
        case (.get, "/__edge/test/sleep") where testFaults:
            let ms = min(max(Int(request.query["ms"] ?? "") ?? 100, 0), 60_000)
            try? await Task.sleep(for: .milliseconds(ms))
            return .text("slept \(ms) ms in \(getpid())")
        default:
            return HTTPError(.notFound, code: "not_found", message: "No runtime endpoint \(request.path)", error: "Not Found").response(requestId: requestId)
        }
    }
}

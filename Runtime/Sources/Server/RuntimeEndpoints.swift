public import EdgeRuntime
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Endpoints the runtime itself serves under the reserved prefix `/__edge/`, for operators and
/// orchestrators.
///
/// Without a token, for health checks (a container's `HEALTHCHECK`, a Kubernetes probe), whatever the
/// apps are:
/// - `GET /__edge/health`: liveness, 200 `{"status":"ok"}` while the process serves.
/// - `GET /__edge/ready`: readiness, 200 `{"status":"ready","kv":"ok"}` when the KV store answers a read,
///   else 503 `not_ready` (the store failed to open, or fails now) with `details.kv`.
///
/// The others require `EDGE_ADMIN_TOKEN` (as `Authorization: Bearer …` or `x-admin-token`, compared in
/// constant time) and fail closed when it is unset:
/// - `GET /__edge/crons`: every cron with its schedule, next run (UTC) and last run; another method is 405
///   with `Allow: GET`.
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

    /// The store readiness reads from; nil when none could be opened.
    let kv: Kv?

    init(adminToken: String?, testFaults: Bool = false, kv: Kv? = nil, metricsText: (@Sendable () -> String)? = nil) {
        self.adminToken = adminToken.flatMap { $0.isEmpty ? nil : ConstantTime.Secret($0) }
        self.testFaults = testFaults
        self.kv = kv
        self.metricsText = metricsText
    }

    /// The key readiness reads (absent: a read of it costs one lookup and writes nothing).
    static let readinessKey: KvKey = ["__edge", "ready"]

    public func setCronStatus(_ provider: @escaping @Sendable () async -> JSONValue) {
        cronStatus.withLock { $0 = provider }
    }

    /// 405 with `Allow` for a known endpoint asked with another method, as for routes.
    static func methodNotAllowed(_ request: Request, allow: String, requestId: String) -> Response {
        var e = HTTPError(.methodNotAllowed, code: "method_not_allowed", message: "\(request.method.rawValue) is not allowed on \(request.path)",
                          error: "Method Not Allowed")
        e.headers[.allow] = allow
        return e.response(requestId: requestId)
    }

    func respond(to request: Request, requestId: String) async -> Response {
        switch (request.method, request.path) {
        case (.get, "/__edge/health"), (.head, "/__edge/health"):
            return .json(JSONValue.object(["status": "ok"]))
        case (.get, "/__edge/ready"), (.head, "/__edge/ready"):
            return await readiness(requestId: requestId)
        case (_, "/__edge/health"), (_, "/__edge/ready"):
            return Self.methodNotAllowed(request, allow: "GET, HEAD", requestId: requestId)
        default:
            break
        }
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
        case (_, "/__edge/crons"):  // a known endpoint, another method: 405 with Allow, as for routes
            return Self.methodNotAllowed(request, allow: "GET", requestId: requestId)
        case (_, Self.metricsPath):
            return Self.methodNotAllowed(request, allow: "GET, HEAD", requestId: requestId)
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

    private func readiness(requestId: String) async -> Response {
        let problem: String?
        if let kv {
            do {
                _ = try await kv.get(Self.readinessKey)
                problem = nil
            } catch {
                problem = "The KV store fails: \(error)"
            }
        } else {
            problem = "The KV store is not open"
        }
        guard let problem else { return .json(JSONValue.object(["status": "ready", "kv": "ok"])) }
        return HTTPError(.serviceUnavailable, code: "not_ready", message: problem, details: ["kv": "unavailable"]).response(requestId: requestId)
    }
}

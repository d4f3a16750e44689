import EdgeRuntime
import Synchronization

/// Shared plumbing of the VLM app (seed 004, CONTRACTS §5): CORS, the error envelope with 004's
/// native `error` strings, admin/read auth, body parsing, per-request logging.
enum VLM {
    /// 004's body limit (CONTRACTS §0.5: images up to 10 MiB).
    static let maxBodyBytes = 10 * 1024 * 1024

    static let allowMethods = "GET, POST, PUT, DELETE, OPTIONS"
    static let allowHeaders = "content-type, authorization, x-admin-token, x-nonce"
    static let exposeHeaders = "x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset, retry-after, x-cache, x-request-id, content-disposition, x-backup-location"

    /// §5.2: `*` unless `ALLOWED_ORIGINS` lists origins (then echo listed ones, `Vary: Origin`).
    static func cors(_ env: Environment) -> CORS {
        CORS(origins: CORS.Origins(parsing: env["ALLOWED_ORIGINS"]), allowMethods: allowMethods,
             allowHeaders: allowHeaders, exposeHeaders: exposeHeaders)
    }

    // MARK: errors

    /// An envelope error with 004's native `error` text.
    static func error(_ status: HTTPResponse.Status, _ native: String, code: String? = nil, message: String? = nil,
                      details: [String: JSONValue] = [:]) -> HTTPError {
        HTTPError(status, code: code, message: message ?? native, error: native, details: details)
    }

    static func unauthorized() -> HTTPError { error(.unauthorized, "Unauthorized", code: "unauthorized") }
    static func notFound(_ text: String = "Not found") -> HTTPError { error(.notFound, text, code: "not_found") }
    static func invalidJSON(_ message: String = "Malformed JSON body") -> HTTPError {
        error(.badRequest, "Invalid JSON", code: "invalid_json", message: message)
    }
    static func invalidField(_ name: String) -> HTTPError {
        error(.badRequest, "Invalid field: \(name)", code: "invalid_request")
    }
    static func tooLong(_ name: String) -> HTTPError {
        error(.contentTooLarge, "Field too long: \(name)", code: "payload_too_large")
    }

    /// Native texts for envelope errors raised by the runtime helpers (body limits, KV, fetch).
    static func nativeText(_ e: HTTPError) -> String {
        switch e.code {
        case "invalid_json": return "Invalid JSON"
        case "payload_too_large", "value_too_large": return "Payload too large"
        case "invalid_multipart": return "Invalid multipart body"
        case "storage_unavailable": return "Storage unavailable"
        case "upstream_error": return "Upstream error"
        case "upstream_timeout": return "Upstream timeout"
        case "unsupported_media_type": return "Unsupported media type"
        case "invalid_kv_request": return "Invalid request"
        default: return e.message
        }
    }

    /// Any error as the envelope (never a bare 500 for bad input).
    static func errorResponse(_ error: any Error, context: Context, route: String) -> Response {
        var e = HTTPError(converting: error, requestId: context.requestId, logger: context.logger, route: route)
        if e.error == nil { e.error = nativeText(e) }
        return e.response(requestId: context.requestId)
    }

    // MARK: the handler wrapper

    /// Runs one request: answers preflights, turns every error into the envelope, adds the headers
    /// collected on the way (rate limit, cache) and the CORS headers, and logs one structured line.
    static func run(_ request: Request, _ context: Context, route: String,
                    _ body: (VLMExchange) async throws -> Response) async -> Response {
        let cors = cors(context.env)
        if request.method == .options { return cors.preflight(request, status: .ok) }
        let exchange = VLMExchange()
        let start = ContinuousClock.now
        var response: Response
        do {
            response = try await body(exchange)
        } catch {
            response = errorResponse(error, context: context, route: route)
        }
        for field in exchange.headers { response.headers[field.name] = field.value }
        cors.apply(to: &response, for: request)
        let elapsed = ContinuousClock.now - start
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds / 1_000_000_000_000) / 1000
        var meta: Logger.Metadata = [
            "ts": .string(VLMTime.nowISO()), "requestId": .string(context.requestId),
            "method": .string(request.method.rawValue), "route": .string(route),
            "status": .stringConvertible(Int(response.status.code)), "latency_ms": .stringConvertible(ms),
        ]
        if let c = exchange.cache { meta["cache"] = .string(c) }
        if let p = exchange.provider { meta["provider"] = .string(p) }
        context.logger.info("vlm request", metadata: meta)
        return response
    }

    // MARK: auth

    /// `X-Admin-Token` must equal `ADMIN_TOKEN` (constant time); unset or empty `ADMIN_TOKEN` fails closed.
    static func requireAdmin(_ request: Request, _ env: Environment) throws {
        guard isAdmin(request, env) else { throw unauthorized() }
    }

    static func isAdmin(_ request: Request, _ env: Environment) -> Bool {
        guard let expected = env["ADMIN_TOKEN"], !expected.isEmpty,
              let given = request.headers[HTTPField.Name("x-admin-token")!] else { return false }
        return ConstantTime.equals(given, expected)
    }

    /// `REQUIRE_READ_AUTH=1`: GETs need `Authorization: Bearer READ_BEARER_TOKEN` (unset token fails closed).
    static func requireRead(_ request: Request, _ env: Environment) throws {
        guard env.bool("REQUIRE_READ_AUTH") else { return }
        guard let expected = env["READ_BEARER_TOKEN"], !expected.isEmpty,
              let auth = request.headers[.authorization], auth.lowercased().hasPrefix("bearer ") else { throw unauthorized() }
        let token = String(auth.dropFirst(7)).trimmingSpaces
        guard ConstantTime.equals(token, expected) else { throw unauthorized() }
    }

    // MARK: bodies

    /// The body parsed as JSON whatever the Content-Type (§0.5); must be an object.
    static func jsonObject(_ request: Request) async throws -> [String: JSONValue] {
        let bytes = try await request.bytes()
        let value: JSONValue
        do { value = try JSON.decode(JSONValue.self, from: bytes) } catch let e as HTTPError where e.code == "invalid_json" {
            throw invalidJSON(e.message)
        }
        guard case .object(let o) = value else { throw invalidJSON("The body must be a JSON object") }
        return o
    }

    /// A route id: digits only, 1 ... 2^53; anything else is a missing prompt (404 "Not found").
    static func promptId(_ raw: String?) -> Int? {
        guard let raw, !raw.isEmpty, raw.count <= 16, raw.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
              let n = Int(raw), n >= 1, n <= 9_007_199_254_740_991 else { return nil }
        return n
    }

    /// Client address for rate limiting: the runtime's `clientAddress` (the TCP peer, or the forwarded
    /// address when `TRUST_PROXY=1`); for in-process calls the first `x-forwarded-for` hop, `x-real-ip`,
    /// else `unknown`.
    static func clientIP(_ request: Request) -> String {
        if let peer = request.clientAddress, !peer.isEmpty { return peer }
        if let xff = request.headers[HTTPField.Name("x-forwarded-for")!],
           let first = xff.split(separator: ",").first.map({ String($0).trimmingSpaces }), !first.isEmpty {
            return String(first.prefix(64))
        }
        if let real = request.headers[HTTPField.Name("x-real-ip")!], !real.isEmpty { return String(real.prefix(64)) }
        return "unknown"
    }
}

/// Per-request state the wrapper turns into headers and log fields.
final class VLMExchange: Sendable {
    private let state = Mutex<(headers: HTTPFields, cache: String?, provider: String?)>((HTTPFields(), nil, nil))
    var headers: HTTPFields { state.withLock { $0.headers } }
    var cache: String? {
        get { state.withLock { $0.cache } }
        set { state.withLock { $0.cache = newValue } }
    }
    var provider: String? {
        get { state.withLock { $0.provider } }
        set { state.withLock { $0.provider = newValue } }
    }
    func setHeader(_ name: String, _ value: String) {
        guard let n = HTTPField.Name(name) else { return }
        state.withLock { $0.headers[n] = value }
    }
}


public import EdgeRuntime
public import KV
package import Server
public import Tracing

/// Sends requests through the real request pipeline (config phases, router, limits, the app layer,
/// error envelopes) in-process: no socket, no LMDB file, no sleeping.
///
/// ```swift
/// import EdgeTesting
/// import Testing
/// @testable import Functions
///
/// @Test func createsAPrompt() async throws {
///     let client = try TestClient(routes: FunctionsManifest.routes, apps: FunctionsManifest.apps,
///                                 env: ["VLM__ADMIN_TOKEN": "t"])
///     let r = await client.send(.post, "/v1/prompts", headers: ["x-admin-token": "t"], json: #"{"name":"a"}"#)
///     #expect(r.status == 201)
/// }
/// ```
public final class TestClient: Sendable {
    /// The application under test.
    package let app: EdgeApplication
    /// The KV database the functions see (in memory unless one was passed in).
    public let kv: Kv
    /// The apps' background work (``EdgeApp/run(_:)``: queue consumers), running from `init` until
    /// ``shutdown()`` or until the client is released.
    private let appsTask: Task<Void, Never>

    /// - Parameters:
    ///   - routes, apps: usually `FunctionsManifest.routes` and `FunctionsManifest.apps`.
    ///   - config: the text of a `vercel-like.json` (strict, as at start-up).
    ///   - env: the process environment the functions see (`APP__NAME` scoping applies).
    ///   - kv: the database; by default a fresh in-memory one (``MemoryKvStore``, Deno KV's semantics)
    ///     whose time is `clock`: pass a ``ManualKvClock`` to test expiry and queue delays without sleeping.
    ///   - tracer: records each request as a span (nil: tracing off, as in production without
    ///     `OTEL_EXPORTER_OTLP_ENDPOINT`). Fetch and KV commit spans go to `InstrumentationSystem.tracer`, so
    ///     pass the tracer the test process bootstrapped (an `InMemoryTracer`).
    public init(routes: [RouteDescriptor], apps: [AppDescriptor] = [], config: String = "{}",
                env: [String: String] = [:], kv: Kv? = nil, clock: any KvTimeSource = KvSystemClock(),
                tracer: (any Tracer)? = nil) throws {
        let cfg = try EdgeConfig.parse(Array(config.utf8))
        let kv = kv ?? Kv(store: MemoryKvStore(clock: clock))
        var services = Services()
        services[KvServiceKey.self] = kv
        self.kv = kv
        app = try EdgeApplication(routes: routes, apps: apps, config: cfg, environment: env,
                                  logger: Logger(label: "edge-testing", factory: { _ in SwiftLogNoOpLogHandler() }),
                                  services: services, tracer: tracer)
        let app = self.app
        appsTask = Task { await app.runApps() }
    }

    deinit { appsTask.cancel() }

    /// Stops the apps' background work and waits for it to end (a process shutting down).
    public func shutdown() async {
        appsTask.cancel()
        await appsTask.value
    }

    /// Sends one request. `target` is a path with an optional query (`/v1/prompts?limit=2`);
    /// `clientAddress` stands in for the TCP peer.
    public func send(_ method: HTTPRequest.Method = .get, _ target: String, headers: [String: String] = [:],
                     body: [UInt8] = [], clientAddress: String? = "127.0.0.1", requestId: String? = nil) async -> TestResponse {
        await send(method, target, fields: Self.fields(headers), body: body, clientAddress: clientAddress, requestId: requestId)
    }

    /// ``send(_:_:headers:body:clientAddress:requestId:)`` with a JSON text body.
    public func send(_ method: HTTPRequest.Method, _ target: String, headers: [String: String] = [:], json: String,
                     clientAddress: String? = "127.0.0.1") async -> TestResponse {
        await send(method, target, headers: headers, body: Array(json.utf8), clientAddress: clientAddress)
    }

    /// The general form: headers as `HTTPFields` (repeated names kept).
    public func send(_ method: HTTPRequest.Method, _ target: String, fields: HTTPFields, body: [UInt8],
                     clientAddress: String?, requestId: String?) async -> TestResponse {
        var request = Self.request(method, target, fields: fields, body: body)
        request.clientAddress = clientAddress
        let id = requestId ?? fields[HTTPField.Name("x-request-id")!] ?? "test-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        return await Self.read(await app.respond(to: request, requestId: id), isHead: method == .head)
    }

    /// Sends one request and hands back the body unread, as a stream the test reads chunk by chunk and
    /// may drop early (a client that leaves: the handler's producer and its upstream are cancelled).
    public func open(_ method: HTTPRequest.Method, _ target: String, headers: [String: String] = [:],
                     body: [UInt8] = []) async -> (status: Int, headers: HTTPFields, body: ByteStream) {
        let request = Self.request(method, target, fields: Self.fields(headers), body: body)
        let response = await app.respond(to: request, requestId: "test-open").response
        let known: [UInt8]
        if case .bytes(let b) = response.body { known = b } else { known = [] }
        return (Int(response.status.code), response.headers, response.body.stream ?? ByteStream(bytes: known))
    }

    /// Runs the cron invocation of `path` as the scheduler would (`context.isCron`, Vercel's headers).
    public func cron(_ path: String) async -> TestResponse {
        var fields = HTTPFields()
        fields[.userAgent] = "vercel-cron/1.0"
        let request = Request(method: .get, path: path, headers: fields)
        return await Self.read(await app.respond(to: request, requestId: "cron-test", isCron: true), isHead: false)
    }

    static func fields(_ headers: [String: String]) -> HTTPFields {
        var fields = HTTPFields()
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
            if let n = HTTPField.Name(name) { fields.append(HTTPField(name: n, value: value)) }
        }
        return fields
    }

    /// A request for `target` (a path with an optional `?query`).
    static func request(_ method: HTTPRequest.Method, _ target: String, fields: HTTPFields, body: [UInt8]) -> Request {
        var path = target, query: String? = nil
        if let q = target.firstIndex(of: "?") {
            path = String(target[..<q])
            query = String(target[target.index(after: q)...])
        }
        return Request(method: method, path: path, rawQuery: query, headers: fields, body: RequestBody(bytes: body))
    }

    /// The outcome with its body read to the end (none for HEAD, as on the wire).
    static func read(_ outcome: EdgeApplication.Outcome, isHead: Bool) async -> TestResponse {
        var bytes: [UInt8] = []
        var streamError: (any Error)? = nil
        do { bytes = try await outcome.response.body.collected() } catch { streamError = error }
        if isHead { bytes = [] }
        return TestResponse(status: Int(outcome.response.status.code), headers: outcome.response.headers, body: bytes,
                            route: outcome.route, app: outcome.app, logFields: outcome.logFields, streamError: streamError)
    }
}

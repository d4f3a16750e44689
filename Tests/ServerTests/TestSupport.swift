import EdgeRuntime
@testable import Server

/// Builds an application from test handlers and a config text, and sends requests through the router.
struct TestApp {
    let app: EdgeApplication

    init(_ routes: [RouteDescriptor], config: String = "{}", env: [String: String] = [:]) throws {
        let cfg = try EdgeConfig.parse(Array(config.utf8))
        app = try EdgeApplication(routes: routes, config: cfg, environment: env, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    func send(_ method: HTTPRequest.Method = .get, _ target: String, headers: HTTPFields = [:], body: [UInt8]? = nil, requestId: String = "test-id") async -> TestResponse {
        var path = target, query: String? = nil
        if let q = target.firstIndex(of: "?") {
            path = String(target[..<q])
            query = String(target[target.index(after: q)...])
        }
        let req = Request(method: method, path: path, rawQuery: query, headers: headers, body: RequestBody(bytes: body ?? []))
        let outcome = await app.respond(to: req, requestId: requestId)
        var bytes: [UInt8] = []
        if case .bytes(let b) = outcome.response.body { bytes = b }
        if let s = outcome.response.body.stream { bytes = (try? await s.collect(upTo: 1 << 30)) ?? [] }
        return TestResponse(status: Int(outcome.response.status.code), headers: outcome.response.headers, body: bytes, route: outcome.route)
    }
}

struct TestResponse {
    let status: Int
    let headers: HTTPFields
    let body: [UInt8]
    let route: String?
    var text: String { String(decoding: body, as: UTF8.self) }
    var json: JSONValue? { try? JSON.decode(JSONValue.self, from: body) }
    func header(_ name: String) -> String? { headers[HTTPField.Name(name)!] }
}

struct Echo: EdgeFunction {
    static let methods: HTTPMethods = [.get, .post]
    func handle(_ request: Request, context: Context) async throws -> Response {
        var o: [String: JSONValue] = ["method": .string(request.method.rawValue), "path": .string(request.path)]
        o["params"] = .object(context.parameters.values.mapValues(JSONValue.string))
        o["query"] = .object(Dictionary(request.query.pairs.map { ($0.name, JSONValue.string($0.value)) }, uniquingKeysWith: { a, _ in a }))
        o["requestId"] = .string(context.requestId)
        if request.method == .post { o["body"] = try await request.json(as: JSONValue.self) }
        return .json(.object(o))
    }
}

struct Thrower: EdgeFunction {
    func handle(_ request: Request, context: Context) async throws -> Response {
        if request.query["kind"] == "http" { throw HTTPError(.conflict, code: "stale", message: "too old", error: "Conflict", details: ["x": 1]) }
        struct Boom: Error {}
        throw Boom()
    }
}

struct Slow: EdgeFunction {
    func handle(_ request: Request, context: Context) async throws -> Response {
        try await Task.sleep(for: .seconds(30))
        return .text("late")
    }
}

struct Stream3: EdgeFunction {
    func handle(_ request: Request, context: Context) async throws -> Response {
        .eventStream { w in
            for i in 1...3 { try await w.write("data: \(i)\n\n") }
        }
    }
}

struct Background: EdgeFunction {
    static let done = Flag()
    func handle(_ request: Request, context: Context) async throws -> Response {
        context.waitUntil {
            try await Task.sleep(for: .milliseconds(50))
            Background.done.set()
        }
        return .text("ok")
    }
}

final class Flag: @unchecked Sendable {
    private var value = false
    private let lock = NSLockLike()
    func set() { lock.run { value = true } }
    var isSet: Bool { lock.run { value } }
}

import Synchronization
final class NSLockLike: Sendable {
    let m = Mutex(())
    func run<T>(_ f: () -> T) -> T { m.withLock { _ in f() } }
}

struct Env: EdgeFunction {
    func handle(_ request: Request, context: Context) async throws -> Response {
        .json(["model": .string(context.env["DEFAULT_MODEL"] ?? "none"), "app": .string(context.app ?? "none")])
    }
}

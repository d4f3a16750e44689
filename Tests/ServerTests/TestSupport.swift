import EdgeRuntime
import EdgeTesting
@testable import Server

/// The router tests' client: ``TestClient`` with the headers as `HTTPFields` and no client address.
struct TestApp {
    let client: TestClient
    var app: EdgeApplication { client.app }

    init(_ routes: [RouteDescriptor], apps: [AppDescriptor] = [], config: String = "{}", env: [String: String] = [:]) throws {
        client = try TestClient(routes: routes, apps: apps, config: config, env: env)
    }

    func send(_ method: HTTPRequest.Method = .get, _ target: String, headers: HTTPFields = [:], body: [UInt8]? = nil, requestId: String = "test-id") async -> TestResponse {
        await client.send(method, target, fields: headers, body: body ?? [], clientAddress: nil, requestId: requestId)
    }
}

struct Echo: EdgeFunction {
    static let methods: HTTPMethods = [.get, .post]
    func handle(_ request: Request, context: Context) async throws -> Response {
        var o: [String: JSONValue] = ["method": .string(request.method.rawValue), "path": .string(request.path)]
        o["params"] = JSONValue(context.parameters.values.mapValues(JSONValue.string))
        o["query"] = JSONValue(Dictionary(request.query.pairs.map { ($0.name, JSONValue.string($0.value)) }, uniquingKeysWith: { a, _ in a }))
        o["requestId"] = .string(context.requestId)
        if request.method == .post { o["body"] = try await request.json(as: JSONValue.self) }
        return .json(JSONValue(o))
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

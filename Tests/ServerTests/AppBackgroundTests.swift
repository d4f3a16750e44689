import EdgeRuntime
import EdgeTesting
import Testing

/// `EdgeApp.run`: background work started with the app (its scoped environment, the KV store), stopped
/// at shutdown.
@Suite struct AppBackgroundTests {
    struct QueueApp: EdgeApp {
        func policy(_ env: Environment) -> AppPolicy { AppPolicy() }

        /// Consumes the queue: each number n is recorded under `["seen", n]`.
        func run(_ context: AppContext) async throws {
            let kv = try context.kv
            try await kv.set(["started"], context.env["MARK"].map { KvValue.string($0) } ?? .null)
            try await kv.listenQueue { value in
                guard case .number(let n) = value else { return }
                try await kv.set(["seen", .number(n)], true)
            }
        }
    }

    struct Enqueue: EdgeFunction {
        func handle(_ request: Request, context: Context) async throws -> Response {
            try await context.kv.enqueue(.number(7))
            return .text("queued")
        }
    }

    static let routes = [RouteDescriptor("/q", file: "Functions/(queue)/q/Enqueue.swift", Enqueue.self)]
    static let apps = [AppDescriptor("queue", file: "Functions/(queue)/_app/QueueApp.swift", QueueApp.self)]

    @Test func runStartsWithTheAppsEnvironmentAndConsumesTheQueueUntilShutdown() async throws {
        let c = try TestClient(routes: Self.routes, apps: Self.apps, env: ["QUEUE__MARK": "scoped"])
        var started: KvValue? = nil
        for _ in 0..<500 where started == nil {
            started = try await c.kv.get(["started"]).value
            if started == nil { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(started == .string("scoped"))
        #expect(await c.send(.post, "/q").status == 200)
        var seen = false
        for _ in 0..<500 where !seen {
            seen = try await c.kv.get(["seen", 7]).versionstamp != nil
            if !seen { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(seen)
        await c.shutdown()  // returns: the consumer was cancelled
    }
}

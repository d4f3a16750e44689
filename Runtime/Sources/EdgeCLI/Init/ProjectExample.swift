/// A worked example `edge init --template <name>` adds: a handler and its test, each a few lines.
public enum ProjectExample: String, CaseIterable, Sendable {
    /// `GET|POST /counter`: a counter in the KV store, incremented atomically.
    case kv
    /// `GET /cron/tick`: a function the scheduler calls every minute (`crons` in vercel-like.json).
    case cron
    /// `GET /events`: a server-sent event stream.
    case sse

    /// Files it adds, relative to the project folder.
    var files: [(path: String, text: String)] {
        switch self {
        case .kv: return [("Functions/counter/Counter.swift", Self.counterSwift), ("Tests/AppTests/CounterTests.swift", Self.counterTests)]
        case .cron: return [("Functions/cron/tick/Tick.swift", Self.tickSwift), ("Tests/AppTests/TickTests.swift", Self.tickTests)]
        case .sse: return [("Functions/events/Events.swift", Self.eventsSwift), ("Tests/AppTests/EventsTests.swift", Self.eventsTests)]
        }
    }

    /// Its entry in vercel-like.json's `crons`, if it is scheduled.
    var cronEntry: String? {
        self == .cron ? #"{ "path": "/cron/tick", "schedule": "* * * * *" }"# : nil
    }

    static let counterSwift = """
    import EdgeRuntime

    /// `GET /counter` reads the count, `POST /counter` adds one: `{"count": n}`. The increment is one atomic
    /// KV `sum`, so concurrent requests (and worker processes) never lose an update.
    struct Counter: EdgeFunction {
        static let methods: HTTPMethods = [.get, .post]
        static let key: KvKey = ["counter"]

        func handle(_ request: Request, context: Context) async throws -> Response {
            let kv = try context.kv
            if request.method == .post {
                _ = try await kv.atomic().sum(Self.key, 1).commit()
            }
            var count: UInt64 = 0
            if case .u64(let n)? = try await kv.get(Self.key).value { count = n.value }
            return .json(["count": .number(Double(count))])
        }
    }

    """

    static let counterTests = """
    import App
    import EdgeTesting
    import Testing

    @Test func counterCountsPosts() async throws {
        let client = try TestClient(routes: FunctionsManifest.routes, apps: FunctionsManifest.apps)
        #expect(await client.send(.get, "/counter").text == #"{"count":0}"#)
        #expect(await client.send(.post, "/counter").status == 200)
        #expect(await client.send(.post, "/counter").text == #"{"count":2}"#)
        #expect(await client.send(.delete, "/counter").status == 405)
    }

    """

    static let tickSwift = """
    import EdgeRuntime

    /// `GET /cron/tick`: scheduled every minute in vercel-like.json; records when it last ran in KV.
    /// Only the scheduler may call it (`context.isCron`): anyone else gets 401.
    struct Tick: EdgeFunction {
        static let methods: HTTPMethods = [.get]
        static let auth: RouteAuth = .none

        func handle(_ request: Request, context: Context) async throws -> Response {
            guard context.isCron else { throw HTTPError(.unauthorized, message: "Only the scheduler calls /cron/tick") }
            let kv = try context.kv
            let now = kv.clock.nowMs()
            _ = try await kv.set(["cron", "tick", "last"], .number(Double(now)))
            return .json(["ok": true, "at": .number(Double(now))])
        }
    }

    """

    static let tickTests = """
    import App
    import EdgeTesting
    import Testing

    @Test func tickRunsForTheSchedulerOnly() async throws {
        let client = try TestClient(routes: FunctionsManifest.routes, apps: FunctionsManifest.apps)
        #expect(await client.send(.get, "/cron/tick").status == 401)
        #expect(try await client.kv.get(["cron", "tick", "last"]).value == nil)
        #expect(await client.cron("/cron/tick").status == 200)
        #expect(try await client.kv.get(["cron", "tick", "last"]).value != nil)
    }

    """

    static let eventsSwift = """
    import EdgeRuntime

    /// `GET /events`: a server-sent event stream of three events; each is flushed to the client as it is written.
    struct Events: EdgeFunction {
        static let methods: HTTPMethods = [.get]

        func handle(_ request: Request, context: Context) async throws -> Response {
            .eventStream { writer in
                for n in 1...3 {
                    try await writer.write("id: \\(n)\\ndata: tick \\(n)\\n\\n")
                }
            }
        }
    }

    """

    static let eventsTests = """
    import App
    import EdgeTesting
    import Testing

    @Test func eventsStreamsThreeEvents() async throws {
        let client = try TestClient(routes: FunctionsManifest.routes, apps: FunctionsManifest.apps)
        let response = await client.send(.get, "/events")
        #expect(response.status == 200)
        #expect(response.headers[.contentType] == "text/event-stream; charset=utf-8")
        #expect(response.text == "id: 1\\ndata: tick 1\\n\\nid: 2\\ndata: tick 2\\n\\nid: 3\\ndata: tick 3\\n\\n")
    }

    """
}

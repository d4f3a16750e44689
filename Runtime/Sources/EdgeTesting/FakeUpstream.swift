public import EdgeRuntime
import Server
import Synchronization

/// A loopback HTTP/1.1 server on `127.0.0.1` and an ephemeral port, answering every request with a
/// closure: the provider, origin or webhook a function `fetch`es, faked over a real socket (the real
/// libcurl path, timeouts and streaming included). It runs on the runtime's own HTTP engine, so
/// ``Response/eventStream(headers:_:)`` streams with real flushes and delays.
///
/// ```swift
/// try await withFakeUpstream({ request, _ in .json(["echo": .string(request.path)]) }) { upstream in
///     let client = try TestClient(routes: ..., env: ["PROVIDER_BASE_URL": upstream.url("/v1")])
///     ...
///     #expect(upstream.requests.count == 1)
/// }
/// ```
public final class FakeUpstream: Sendable {
    /// One request the upstream received.
    public struct Received: Sendable {
        public let method: HTTPRequest.Method
        public let path: String
        public let query: String?
        public let headers: HTTPFields
        public let body: [UInt8]
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    public let port: Int
    private let recorder: Recorder
    private let server: Task<Void, any Error>

    init(port: Int, recorder: Recorder, server: Task<Void, any Error>) {
        self.port = port
        self.recorder = recorder
        self.server = server
    }

    /// Starts an upstream answering through `handler`; it serves until ``stop()`` or until it goes away.
    /// The request body is read before `handler` runs (at most 64 MiB) and is in ``requests``.
    public static func start(_ handler: @escaping @Sendable (Received, Context) async throws -> Response) async throws -> FakeUpstream {
        let recorder = Recorder()
        let route = RouteDescriptor("/:path*", file: "FakeUpstream", handle: { request, context in
            var body = request.body
            body.limit = 64 << 20
            let received = Received(method: request.method, path: request.path, query: request.rawQuery,
                                    headers: request.headers, body: try await body.bytes())
            recorder.append(received)
            return try await handler(received, context)
        })
        let app = try EdgeApplication(routes: [route], config: EdgeConfig(), environment: [:],
                                      logger: Logger(label: "fake-upstream", factory: { _ in SwiftLogNoOpLogHandler() }))
        let server = EdgeServer(app: app, host: "127.0.0.1", port: 0, logFormat: .json, accessLog: false)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let task = Task { try await server.serveUntilCancelled { continuation.yield($0) } }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            task.cancel()
            throw HTTPError(.internalServerError, message: "the fake upstream did not start")
        }
        return FakeUpstream(port: port, recorder: recorder, server: task)
    }

    /// Closes the listening socket.
    public func stop() { server.cancel() }

    deinit { server.cancel() }

    /// `http://127.0.0.1:<port><path>`.
    public func url(_ path: String = "") -> String { "http://127.0.0.1:\(port)\(path)" }

    /// Every request so far, in arrival order (the body as the handler read it).
    public var requests: [Received] { recorder.received.withLock { $0 } }
}

/// Runs `body` with a ``FakeUpstream`` answering through `handler` (see ``FakeUpstream/start(_:)``), and
/// stops it afterwards.
public func withFakeUpstream<T: Sendable>(
    _ handler: @escaping @Sendable (FakeUpstream.Received, Context) async throws -> Response,
    _ body: (FakeUpstream) async throws -> T
) async throws -> T {
    let upstream = try await FakeUpstream.start(handler)
    defer { upstream.stop() }
    return try await body(upstream)
}

/// The received requests, shared by the server's handler and the test.
final class Recorder: Sendable {
    let received = Mutex<[FakeUpstream.Received]>([])
    func append(_ r: FakeUpstream.Received) { received.withLock { $0.append(r) } }
}

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

    init(port: Int, recorder: Recorder) {
        self.port = port
        self.recorder = recorder
    }

    /// `http://127.0.0.1:<port><path>`.
    public func url(_ path: String = "") -> String { "http://127.0.0.1:\(port)\(path)" }

    /// Every request so far, in arrival order (the body as the handler read it).
    public var requests: [Received] { recorder.received.withLock { $0 } }
}

/// Runs `body` with a ``FakeUpstream`` answering through `handler`; stops it afterwards. The request
/// body is read before `handler` runs (at most 64 MiB) and is in ``FakeUpstream/requests``.
public func withFakeUpstream<T: Sendable>(
    _ handler: @escaping @Sendable (FakeUpstream.Received, Context) async throws -> Response,
    _ body: (FakeUpstream) async throws -> T
) async throws -> T {
    let recorder = Recorder()
    let route = RouteDescriptor("/:path*", file: "FakeUpstream", handle: { request, context in
        var body = request.body
        body.limit = 64 << 20
        let received = FakeUpstream.Received(method: request.method, path: request.path, query: request.rawQuery,
                                             headers: request.headers, body: try await body.bytes())
        recorder.append(received)
        return try await handler(received, context)
    })
    let app = try EdgeApplication(routes: [route], config: EdgeConfig(), environment: [:],
                                  logger: Logger(label: "fake-upstream", factory: { _ in SwiftLogNoOpLogHandler() }))
    let server = EdgeServer(app: app, host: "127.0.0.1", port: 0, logFormat: .json, accessLog: false)
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let task = Task { try await server.serveUntilCancelled { continuation.yield($0) } }
    defer { task.cancel() }
    var iterator = ports.makeAsyncIterator()
    guard let port = await iterator.next() else { throw HTTPError(.internalServerError, message: "the fake upstream did not start") }
    return try await body(FakeUpstream(port: port, recorder: recorder))
}

/// The received requests, shared by the server's handler and the test.
final class Recorder: Sendable {
    let received = Mutex<[FakeUpstream.Received]>([])
    func append(_ r: FakeUpstream.Received) { received.withLock { $0.append(r) } }
}

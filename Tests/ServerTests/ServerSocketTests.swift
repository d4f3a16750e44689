import EdgeRuntime
import RawHTTP
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import Server

/// Work for a thread of its own (``ServerSocketTests/onOwnThread(_:)``).
private final class ThreadJob: @unchecked Sendable {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}

/// The HTTP server in-process on a real socket: what only the server path does (handlers run on the
/// connection's own task, see `Deadline.Placement.currentTask`).
@Suite(.serialized) struct ServerSocketTests {
    /// Sleeps until cancelled, and says so.
    struct Sleeper: EdgeFunction {
        static let cancelled = Flag()
        func handle(_ request: Request, context: Context) async throws -> Response {
            do {
                try await Task.sleep(for: .seconds(30))
            } catch {
                Sleeper.cancelled.set()
                throw error
            }
            return .text("woke")
        }
    }

    struct Quick: EdgeFunction {
        func handle(_ request: Request, context: Context) async throws -> Response {
            .text("quick \(request.clientAddress ?? "none")")
        }
    }

    /// Runs blocking socket code on a thread of its own: on the cooperative pool (2 threads here) it would
    /// starve the in-process server it talks to, and everything else running in parallel.
    static func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        return try await withCheckedThrowingContinuation { continuation in
            let job = Unmanaged.passRetained(ThreadJob { continuation.resume(with: Result { try body() }) })
            var thread = pthread_t()
            let rc = pthread_create(&thread, nil, { arg in
                Unmanaged<ThreadJob>.fromOpaque(arg!).takeRetainedValue().run()
                return nil
            }, job.toOpaque())
            if rc == 0 {
                pthread_detach(thread)
            } else {
                job.release()
                continuation.resume(throwing: RawHTTP.Failure(description: "pthread_create failed: \(rc)"))
            }
        }
    }

    /// Serves `routes` on an ephemeral port for the duration of `body`.
    static func serving(_ routes: [RouteDescriptor], config: String, _ body: @Sendable (Int) async throws -> Void) async throws {
        let cfg = try EdgeConfig.parse(Array(config.utf8))
        let app = try EdgeApplication(routes: routes, config: cfg, environment: [:], logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let server = EdgeServer(app: app, host: "127.0.0.1", port: 0, logFormat: .json, accessLog: false)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let task = Task { try await server.run(onListening: { continuation.yield($0) }) }
        defer { task.cancel() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { Issue.record("server did not start"); return }
        try await body(port)
    }

    @Test func maxDurationOnTheConnectionTask() async throws {
        let routes = [
            RouteDescriptor("/sleep", file: "Functions/sleep/Sleep.swift", Sleeper.self),
            RouteDescriptor("/quick", file: "Functions/quick/Quick.swift", Quick.self),
        ]
        try await Self.serving(routes, config: #"{"functions":{"Functions/sleep/*.swift":{"maxDuration":1}}}"#) { port in
            try await Self.onOwnThread {
                // A quick request first, then the slow one on the same keep-alive connection.
                let fd = try RawHTTP.connect(port: port)
                defer { close(fd) }
                try RawHTTP.send(fd, Array("GET /quick HTTP/1.1\r\nHost: t\r\n\r\n".utf8))
                let first = try RawHTTP.read(fd)
                #expect(first.status == 200)
                #expect(first.text == "quick 127.0.0.1")

                let start = ContinuousClock.now
                try RawHTTP.send(fd, Array("GET /sleep HTTP/1.1\r\nHost: t\r\n\r\n".utf8))
                let timedOut = try RawHTTP.read(fd)
                #expect(timedOut.status == 504)
                #expect(timedOut.text.contains(#""code":"function_timeout""#))
                #expect(timedOut.header("connection") == "close")
                #expect(timedOut.header("x-request-id") != nil)
                #expect(ContinuousClock.now - start < .seconds(5))
                var byte: UInt8 = 0
                #expect(recv(fd, &byte, 1, 0) == 0, "the server closes the timed-out connection")

                // The server keeps serving, on new connections.
                for _ in 0..<3 {
                    let again = try RawHTTP.request(port: port, "GET", "/quick")
                    #expect(again.status == 200)
                }
            }
            #expect(Sleeper.cancelled.isSet)
        }
    }

    @Test func keepAliveServesManyRequestsOnOneConnection() async throws {
        let routes = [RouteDescriptor("/quick", file: "Functions/quick/Quick.swift", Quick.self)]
        try await Self.serving(routes, config: #"{"functions":{"Functions/**":{"maxDuration":5}}}"#) { port in
            try await Self.onOwnThread {
                let fd = try RawHTTP.connect(port: port)
                defer { close(fd) }
                for _ in 0..<20 {
                    try RawHTTP.send(fd, Array("GET /quick?x=1 HTTP/1.1\r\nHost: t\r\n\r\n".utf8))
                    let r = try RawHTTP.read(fd)
                    #expect(r.status == 200)
                    #expect(r.header("connection") != "close")
                }
            }
        }
    }
}

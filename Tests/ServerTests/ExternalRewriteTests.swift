import EdgeRuntime
import EdgeTesting
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import Server

/// Rewrites to another origin: the request is proxied there (a real upstream: this server on a loopback
/// socket) and its answer streamed back unchanged.
@Suite(.serialized) struct ExternalRewriteTests {
    /// Upstream requests seen so far.
    static let seen = Atomic<Int>(0)

    /// Answers with what it received: method, path, query, header fields, body.
    struct Inspect: EdgeFunction {
        static let methods: HTTPMethods = [.get, .post, .put, .delete]
        func handle(_ request: Request, context: Context) async throws -> Response {
            ExternalRewriteTests.seen.add(1, ordering: .relaxed)
            var headers: [String: JSONValue] = [:]
            for field in request.headers {
                let name = field.name.canonicalName
                headers[name] = .string(headers[name]?.stringValue.map { $0 + "|" + field.value } ?? field.value)
            }
            if let host = request.host { headers["host"] = .string(host) }  // HTTP/1's Host is the request's authority
            let body = try await request.bytes()
            var r = try Response.json([
                "method": .string(request.method.rawValue), "path": .string(request.path),
                "query": .string(request.rawQuery ?? ""), "headers": JSONValue(headers),
                "body": .string(String(decoding: body, as: UTF8.self)),
            ])
            r.headers[HTTPField.Name("x-upstream")!] = "inspect"
            r.headers[HTTPField.Name.setCookie] = "a=1"
            return r
        }
    }

    /// Streams `?size=` bytes (byte i is `i % 251`) in 64 KiB chunks.
    struct Big: EdgeFunction {
        func handle(_ request: Request, context: Context) async throws -> Response {
            let size = Int(request.query["size"] ?? "0") ?? 0
            let stream = AsyncStream<[UInt8]> { c in
                var sent = 0
                while sent < size {
                    let n = min(65_536, size - sent)
                    c.yield((sent..<(sent + n)).map { UInt8($0 % 251) })
                    sent += n
                }
                c.finish()
            }
            var r = Response(stream: stream)
            r.headers[.contentType] = "application/octet-stream"
            return r
        }
    }

    struct Moved: EdgeFunction {
        func handle(_ request: Request, context: Context) async throws -> Response {
            .redirect(to: "/elsewhere", status: .found)
        }
    }

    struct Unavailable: EdgeFunction {
        func handle(_ request: Request, context: Context) async throws -> Response {
            try .json(["error": "busy"], status: .serviceUnavailable)
        }
    }

    static let upstreamRoutes = [
        RouteDescriptor("/inspect/:rest*", file: "Functions/inspect/[[...rest]]/Inspect.swift", Inspect.self),
        RouteDescriptor("/big", file: "Functions/big/Big.swift", Big.self),
        RouteDescriptor("/moved", file: "Functions/moved/Moved.swift", Moved.self),
        RouteDescriptor("/unavailable", file: "Functions/unavailable/Unavailable.swift", Unavailable.self),
        RouteDescriptor("/silent", file: "Functions/silent/Slow.swift", Slow.self),  // answers after 30 s
    ]

    /// The front's own routes: a static one and a dynamic one.
    static let frontRoutes = [
        RouteDescriptor("/local", file: "Functions/local/Echo.swift", Echo.self),
        RouteDescriptor("/users/:id", file: "Functions/users/[id]/Echo.swift", Echo.self),
    ]

    static func frontConfig(upstream port: Int) -> String {
        #"{"rewrites":[{"source":"/local","destination":"http://127.0.0.1:\#(port)/inspect/shadowed"},"#
            + #"{"source":"/users/:id","destination":"http://127.0.0.1:\#(port)/inspect/user/:id"},"#
            + #"{"source":"/api/:path*","destination":"http://127.0.0.1:\#(port)/inspect/:path*?from=edge"},"#
            + #"{"source":"/files/big","destination":"http://127.0.0.1:\#(port)/big"},"#
            + #"{"source":"/moved","destination":"http://127.0.0.1:\#(port)/moved"},"#
            + #"{"source":"/unavailable","destination":"http://127.0.0.1:\#(port)/unavailable"}]}"#
    }

    @Test func methodPathQueryHeadersAndBodyGoUpstream() async throws {
        try await ServerSocketTests.serving(Self.upstreamRoutes, config: "{}") { port in
            let front = try TestClient(routes: Self.frontRoutes, config: Self.frontConfig(upstream: port))
            var fields = HTTPFields()
            fields[HTTPField.Name("x-custom")!] = "v"
            fields[.connection] = "keep-alive, x-hop"
            fields[HTTPField.Name("x-hop")!] = "1"
            fields[HTTPField.Name("keep-alive")!] = "timeout=5"
            fields[.forwardedFor] = "203.0.113.7"
            fields[.contentType] = "text/plain"
            let r = await front.send(.post, "/api/a/b?x=1", fields: fields, body: Array("hello".utf8), clientAddress: "10.1.2.3", requestId: "rid-1")
            #expect(r.status == 200)
            #expect(r.header("x-upstream") == "inspect", "the upstream's fields come back")
            #expect(r.header("set-cookie") == "a=1")
            #expect(r.header("x-request-id") == "rid-1")
            let json = try #require(r.json)
            #expect(json["method"] == "POST")
            #expect(json["path"] == "/inspect/a/b")
            #expect(json["query"] == "from=edge&x=1", "the destination's query, then the request's")
            #expect(json["body"] == "hello")
            let h = try #require(json["headers"])
            #expect(h["x-custom"] == "v")
            #expect(h["content-type"] == "text/plain")
            #expect(h["content-length"] == "5")
            #expect(h["x-forwarded-for"] == "203.0.113.7, 10.1.2.3", "the peer is appended to the incoming list")
            #expect(h["x-forwarded-proto"] == "http")
            #expect(h["x-request-id"] == "rid-1")
            #expect(h["host"] == .string("127.0.0.1:\(port)"), "the destination's host")
            #expect(h["x-hop"] == nil && h["keep-alive"] == nil && h["connection"] != "keep-alive, x-hop",
                    "hop-by-hop fields, and those `connection` names, stay behind")
        }
    }

    @Test func staticFunctionsWinAndDynamicOnesLose() async throws {
        try await ServerSocketTests.serving(Self.upstreamRoutes, config: "{}") { port in
            let front = try TestClient(routes: Self.frontRoutes, config: Self.frontConfig(upstream: port))
            let local = await front.send(.get, "/local")
            #expect(local.route == "/local", "an existing static function wins over the rewrite")
            let user = await front.send(.get, "/users/7")
            #expect(user.json?["path"] == "/inspect/user/7", "the rewrite shadows a dynamic function")
        }
    }

    @Test func redirectsErrorsAndStreamsPassThroughUnchanged() async throws {
        try await ServerSocketTests.serving(Self.upstreamRoutes, config: "{}") { port in
            let front = try TestClient(routes: Self.frontRoutes, config: Self.frontConfig(upstream: port))
            let moved = await front.send(.get, "/moved")
            #expect(moved.status == 302, "redirects go to the client, not followed")
            #expect(moved.header("location") == "/elsewhere")
            let busy = await front.send(.get, "/unavailable")
            #expect(busy.status == 503)
            #expect(busy.json == ["error": "busy"])
            let size = 3_000_017
            let big = await front.send(.get, "/files/big?size=\(size)")
            #expect(big.status == 200)
            #expect(big.header("content-type") == "application/octet-stream")
            #expect(big.body.count == size)
            #expect(big.body.enumerated().allSatisfy { $0.element == UInt8($0.offset % 251) })
        }
    }

    @Test func anUnreachableUpstreamIs502AndATooLargeBodyIs413BeforeSending() async throws {
        // A port nothing listens on: bind one, then close it.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        let closedPort = Int(UInt16(bigEndian: addr.sin_port))
        close(fd)
        let front = try TestClient(routes: [], config: #"{"rewrites":[{"source":"/x","destination":"http://127.0.0.1:\#(closedPort)/x"}]}"#)
        let r = await front.send(.get, "/x")
        #expect(r.status == 502)
        #expect(r.code == "upstream_error")

        try await ServerSocketTests.serving(Self.upstreamRoutes, config: "{}") { port in
            let front = try TestClient(routes: [], config: #"{"rewrites":[{"source":"/up","destination":"http://127.0.0.1:\#(port)/inspect/up"}]}"#)
            let before = Self.seen.load(ordering: .relaxed)
            let tooLarge = await front.send(.post, "/up", body: [UInt8](repeating: 1, count: EdgeLimits.defaultMaxRequestBodySize + 1))
            #expect(tooLarge.status == 413)
            #expect(tooLarge.code == "payload_too_large")
            #expect(Self.seen.load(ordering: .relaxed) == before, "nothing was sent upstream")
        }
    }

    @Test func anUpstreamThatSendsNoHeadIs504() async throws {
        try await ServerSocketTests.serving(Self.upstreamRoutes, config: "{}") { port in
            let started = ContinuousClock.now
            let r = await ExternalRewrite.forward(Request(method: .get, path: "/x"), to: "http://127.0.0.1:\(port)/silent",
                                                  client: .shared, requestId: "rid", peer: nil, firstByteTimeout: .milliseconds(300))
            #expect(r.status.code == 504)
            #expect(ContinuousClock.now - started < .seconds(10))
            guard case .bytes(let body) = r.body else { Issue.record("no body"); return }
            #expect(String(decoding: body, as: UTF8.self).contains("upstream_timeout"))
        }
    }

    /// Both ends on real sockets: the client's `Host` goes up as `x-forwarded-host`, a large body comes
    /// back whole and chunked.
    @Test func throughTheServerOnRealSockets() async throws {
        try await ServerSocketTests.serving(Self.upstreamRoutes, config: "{}") { upstream in
            try await ServerSocketTests.serving(Self.frontRoutes, config: Self.frontConfig(upstream: upstream)) { port in
                let inspect = try await RawHTTP.onOwnThread { try RawHTTP.request(port: port, "GET", "/api/z", headers: ["X-Forwarded-Host": "forged"]) }
                let h = inspect.text
                #expect(h.contains(#""x-forwarded-host":"127.0.0.1:\#(port)""#), "\(h)")
                #expect(!h.contains("forged"))
                let size = 2_097_152 + 3
                let big = try await RawHTTP.onOwnThread { try RawHTTP.request(port: port, "GET", "/files/big?size=\(size)", timeoutSeconds: 30) }
                #expect(big.status == 200)
                #expect(big.header("transfer-encoding") == "chunked")
                #expect(big.body.count == size)
                #expect(big.body.enumerated().allSatisfy { $0.element == UInt8($0.offset % 251) })
            }
        }
    }

    @Test(arguments: [
        (#"{"rewrites":[{"source":"/a","destination":"https://"}]}"#, "vercel-like.json: $.rewrites[0].destination: an external destination needs a host"),
        (#"{"rewrites":[{"source":"/a","destination":"https://x.test/a b"}]}"#, "vercel-like.json: $.rewrites[0].destination: an external destination may not contain"),
        (#"{"rewrites":[{"source":"/a","destination":"ftp://x.test/"}]}"#, "vercel-like.json: $.rewrites[0].destination: must be a path starting with '/' or an http:// or https:// URL"),
    ])
    func badExternalDestinationsFailStartUp(config: String, prefix: String) {
        do {
            _ = try EdgeConfig.parse(Array(config.utf8))
            Issue.record("accepted \(config)")
        } catch {
            #expect(error.description.hasPrefix(prefix), "\(error.description)")
        }
    }
}

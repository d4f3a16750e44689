import EdgeTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The real `edge` binary over real sockets.
@Suite(.serialized) struct ServeTests {
    @Test func healthEndpointsOfTheSeedSystems() throws {
        let edge = try EdgeProcess()
        let api = try RawHTTP.request(port: edge.port, "GET", "/api/health")
        #expect(api.status == 200)
        #expect(api.text.contains(#""ok":true"#) && api.text.contains(#""storage":"kv""#))
        #expect(api.header("x-request-id")?.count == 36)
        let z = try RawHTTP.request(port: edge.port, "GET", "/healthz")
        #expect(z.text.contains(#""status":"ok""#) && z.text.contains(#""ok":true"#) && z.text.contains(#""ts":"#))
        let h = try RawHTTP.request(port: edge.port, "GET", "/health", headers: ["x-request-id": "req-123"])
        #expect(h.text.contains(#""service":"backend-ai-mvp""#))
        #expect(h.text.contains(#""requestId":"req-123""#))
        #expect(h.header("x-request-id") == "req-123")
        let head = try RawHTTP.request(port: edge.port, "HEAD", "/health")
        #expect(head.status == 200 && head.body.isEmpty && Int(head.header("content-length") ?? "0")! > 0)
        // libcurl is loaded by the first fetch (cold start): a process that fetched nothing never mapped it.
        #expect(!EdgeProcess.readFile("/proc/\(edge.pid)/maps").contains("libcurl"))
    }

    @Test func badInputGetsClear4xxAndTheProcessKeepsServing() throws {
        let edge = try EdgeProcess()
        // Garbage request line.
        let garbage = try? RawHTTP.raw(port: edge.port, Array("NOT HTTP AT ALL\r\n\r\n".utf8))
        #expect(garbage == nil || garbage!.status == 400)
        // A method the route does not answer, and one the HTTP parser does not know.
        #expect(try RawHTTP.request(port: edge.port, "PROPFIND", "/healthz").status == 405)
        #expect(try RawHTTP.request(port: edge.port, "BREW", "/healthz").status == 400)
        // Unknown path.
        let missing = try RawHTTP.request(port: edge.port, "GET", "/nope")
        #expect(missing.status == 404 && missing.text.contains(#""code":"not_found""#))
        // Oversize declared body is refused before it is read.
        let fd = try RawHTTP.connect(port: edge.port)
        try RawHTTP.send(fd, Array("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\n".utf8))
        let tooBig = try RawHTTP.read(fd)
        close(fd)
        #expect(tooBig.status == 405 || tooBig.status == 413)
        // A header over the limit.
        let huge = try? RawHTTP.raw(port: edge.port, Array("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 70_000))\r\n\r\n".utf8))
        #expect(huge == nil || huge!.status == 400 || huge!.status == 431)
        // Still serving.
        #expect(try RawHTTP.request(port: edge.port, "GET", "/healthz").status == 200)
    }

    @Test func keepAliveServesManyRequestsOnOneConnection() throws {
        let edge = try EdgeProcess()
        let fd = try RawHTTP.connect(port: edge.port)
        defer { close(fd) }
        for i in 0..<20 {
            try RawHTTP.send(fd, Array("GET /healthz HTTP/1.1\r\nHost: x\r\nx-request-id: k\(i)\r\n\r\n".utf8))
            let r = try RawHTTP.read(fd)
            #expect(r.status == 200 && r.header("x-request-id") == "k\(i)")
        }
    }

    @Test func sigtermShutsDownGracefully() throws {
        let edge = try EdgeProcess(environment: ["KV_PATH": "/tmp/edge-term-\(getpid())"])  // the default config has a cron
        #expect(try RawHTTP.request(port: edge.port, "GET", "/healthz").status == 200)
        // An idle keep-alive connection must not hold shutdown up.
        let idle = try RawHTTP.connect(port: edge.port)
        defer { close(idle) }
        try RawHTTP.send(idle, Array("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        #expect(try RawHTTP.read(idle).status == 200)
        #expect(edge.stop(signal: SIGTERM, timeout: 5) == 0)
        #expect(edge.log.contains(#""msg":"stopped""#))
        #expect(edge.log.contains(#""msg":"request""#), "one access-log line per request")
    }

    @Test func badConfigFailsStartupWithTheJSONPath() throws {
        let dir = "/tmp/edge-badcfg-\(getpid())"
        mkdir(dir, 0o755)
        let fp = fopen(dir + "/vercel-like.json", "w")!
        fputs(#"{"redirects":[{"source":"/a","destinaton":"/b"}]}"#, fp)
        fclose(fp)
        #expect(throws: EdgeProcess.StartError.self) {
            _ = try EdgeProcess(environment: ["EDGE_CONFIG": dir + "/vercel-like.json"])
        }
    }
}

import Fetch
import Foundation
import Testing

@Suite("Typed errors")
struct ErrorTests {
    @Test("https to a plain-HTTP port fails with a TLS error that says why")
    func tlsFailure() async throws {
        try await withUpstream { upstream, client in
            let error = await #expect(throws: FetchError.self) {
                try await client.fetch("https://127.0.0.1:\(upstream.port)/status")
            }
            #expect(error?.kind == .tls)
            #expect(error?.curlCode == 35)
            #expect(error?.message.contains("SSL") == true)
            #expect(error?.httpStatus == 502)
        }
    }

    @Test("a self-signed upstream fails verification against the system store, and works with its CA configured")
    func tlsVerification() async throws {
        try await withUpstream { upstream, client in
            let url = "https://127.0.0.1:\(upstream.tlsPort)/sse?n=2&delay=0.05&tag=tls"
            let error = await #expect(throws: FetchError.self) { try await client.fetch(url) }
            #expect(error?.kind == .tls)
            #expect(error?.curlCode == 60)
            #expect(error?.message.contains("certificate") == true)

            let trusting = HTTPClient(configuration: .init(caBundlePath: upstream.certificatePath))
            defer { trusting.shutdown() }
            let response = try await trusting.fetch(url)
            #expect(response.status == 200)
            var events: [String] = []
            for try await event in response.body.sseEvents() { events.append(event.data) }
            #expect(events == ["event 0", "event 1"])
        }
    }

    @Test("a closed port is connectionRefused")
    func refused() async throws {
        let port = try freePort()
        let client = HTTPClient()
        defer { client.shutdown() }
        let error = await #expect(throws: FetchError.self) {
            try await withBound(.seconds(5)) { try await client.fetch("http://127.0.0.1:\(port)/") }
        }
        #expect(error?.kind == .connectionRefused)
        #expect(error?.envelopeCode == "upstream_error")
        #expect(error?.description.contains("127.0.0.1") == true)
    }

    @Test("bad URLs and schemes are invalidURL", arguments: ["ftp://127.0.0.1/x", "not a url", "127.0.0.1/no-scheme", "http://"])
    func invalidURL(url: String) async throws {
        let client = HTTPClient()
        defer { client.shutdown() }
        let error = await #expect(throws: FetchError.self) {
            try await withBound(.seconds(5)) { try await client.fetch(url) }
        }
        #expect(error?.kind == .invalidURL)
    }

    @Test("an unresolvable host is a dns error")
    func dns() async throws {
        let client = HTTPClient()
        defer { client.shutdown() }
        let error = await #expect(throws: FetchError.self) {
            try await withBound(.seconds(10)) { try await client.fetch("http://does-not-exist.invalid/") }
        }
        #expect(error?.kind == .dns)
    }
}

/// A loopback port that nothing listens on (bound, then closed).
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    try withUnsafeMutablePointer(to: &addr) { ptr in
        try ptr.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
            guard bind(fd, sa, len) == 0, getsockname(fd, sa, &len) == 0 else { throw UpstreamStartError() }
        }
    }
    return Int(UInt16(bigEndian: addr.sin_port))
}

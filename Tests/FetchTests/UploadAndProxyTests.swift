import Fetch
import Foundation
import Testing

@Suite("Request bodies and proxies")
struct UploadAndProxyTests {
    @Test("a streamed request body reaches the upstream chunk by chunk")
    func streamingUpload() async throws {
        try await withUpstream { upstream, client in
            let parts = (0..<4).map { i in [UInt8](repeating: UInt8(65 + i), count: 1000 * (i + 1)) }
            let request = FetchRequest(url: upstream.url("/echo?tag=up"), method: "PUT", body: .writer { writer in
                for (i, part) in parts.enumerated() {
                    try await writer.write(part)
                    // The upstream must have received this chunk before we produce the next one.
                    let seen = await upstream.waitForLines("chunk up", count: i + 1, timeout: .seconds(3))
                    #expect(seen == i + 1, "chunk \(i) was not streamed")
                    try await Task.sleep(for: .milliseconds(20))
                }
            })
            let response = try await client.fetch(request)
            #expect(response.headers["x-method"] == "PUT")
            #expect(try await response.body.bytes() == parts.flatMap { $0 })
        }
    }

    @Test("an AsyncSequence body with a known length is sent with Content-Length")
    func sequenceUpload() async throws {
        try await withUpstream { upstream, client in
            let (stream, continuation) = AsyncStream<[UInt8]>.makeStream()
            for i in 0..<100 { continuation.yield([UInt8](repeating: UInt8(i), count: 5000)) }
            continuation.finish()
            let response = try await client.fetch(FetchRequest(url: upstream.url("/echo"), method: "POST", body: .stream(stream, length: 500_000)))
            #expect(response.headers["x-body-length"] == "500000")
            let body = try await response.body.bytes()
            #expect(body.count == 500_000 && body[499_999] == 99)
        }
    }

    @Test("a throwing body producer aborts the request")
    func failingProducer() async throws {
        struct Boom: Error {}
        try await withUpstream { upstream, client in
            let request = FetchRequest(url: upstream.url("/echo?tag=boom"), method: "POST", body: .writer { writer in
                try await writer.write(Array("partial".utf8))
                throw Boom()
            })
            let error = await #expect(throws: FetchError.self) { try await client.fetch(request) }
            #expect(error?.kind == .aborted)
        }
    }

    @Test("a configured proxy receives absolute-form requests")
    func proxy() async throws {
        let upstream = try Upstream.start()
        defer { upstream.stop() }
        let client = HTTPClient(configuration: .init(proxy: "http://127.0.0.1:\(upstream.port)"))
        defer { client.shutdown() }
        let text = try await withBound(.seconds(10)) {
            try await client.fetch("http://example.invalid/through-proxy").body.text()
        }
        #expect(text == "proxied http://example.invalid/through-proxy")
    }
}

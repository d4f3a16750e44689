import EdgeRuntime
import Testing

@Suite struct MultipartTests {
    func request(_ body: String, boundary: String = "XyZ", chunk: Int = 7) -> Request {
        let bytes = Array(body.utf8)
        let chunks = stride(from: 0, to: bytes.count, by: chunk).map { Array(bytes[$0..<min(bytes.count, $0 + chunk)]) }
        var h = HTTPFields()
        h[.contentType] = "multipart/form-data; boundary=\(boundary)"
        return Request(method: .post, path: "/", headers: h, body: RequestBody(stream: ByteStream(AsyncStreamOf(chunks))))
    }

    @Test func partsArriveAcrossChunkBoundaries() async throws {
        let body = "preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\nDescribe it\r\n--XyZ\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n\u{1}\u{2}--X\r\n\r\n--XyZ--\r\n"
        for size in [1, 3, 7, 64, 1000] {
            var parts: [MultipartPart] = []
            for try await p in try request(body, chunk: size).multipart() { parts.append(p) }
            #expect(parts.count == 2)
            #expect(parts[0].name == "prompt" && parts[0].text == "Describe it")
            #expect(parts[1].filename == "a.png" && parts[1].contentType == "image/png")
            #expect(parts[1].bytes == [1, 2] + Array("--X\r\n".utf8))
        }
    }

    @Test func malformedBodiesAre400() async throws {
        for body in ["no boundary here", "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunterminated"] {
            await #expect(throws: HTTPError.self) {
                for try await _ in try request(body).multipart() {}
            }
        }
        var h = HTTPFields()
        h[.contentType] = "application/json"
        #expect(throws: HTTPError.self) { _ = try Request(method: .post, path: "/", headers: h).multipart() }
    }
}

/// A sendable async sequence over fixed chunks.
struct AsyncStreamOf: AsyncSequence, Sendable {
    typealias Element = [UInt8]
    let chunks: [[UInt8]]
    init(_ chunks: [[UInt8]]) { self.chunks = chunks }
    struct AsyncIterator: AsyncIteratorProtocol {
        var i = 0
        let chunks: [[UInt8]]
        mutating func next() async -> [UInt8]? {
            defer { i += 1 }
            return i < chunks.count ? chunks[i] : nil
        }
    }
    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(chunks: chunks) }
}

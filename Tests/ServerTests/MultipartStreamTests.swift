import EdgeRuntime
import Testing

/// ``MultipartStream``: parts read as heads and body pieces, whatever the chunking; a large part never
/// held whole; SHA-256 of a stream (``SHA256Stream``).
@Suite struct MultipartStreamTests {
    func stream(_ bytes: [UInt8], boundary: String = "XyZ", chunk: Int) -> MultipartStream {
        let chunks = stride(from: 0, to: bytes.count, by: chunk).map { Array(bytes[$0..<min(bytes.count, $0 + chunk)]) }
        return MultipartStream(source: ByteStream(AsyncStreamOf(chunks)).makeAsyncIterator(), boundary: boundary)
    }

    /// Every part as (name, filename, body), each body assembled from its pieces.
    func parts(_ s: inout MultipartStream) async throws -> [(String?, String?, [UInt8], Int)] {
        var out: [(String?, String?, [UInt8], Int)] = []
        while let head = try await s.nextPart() {
            var body: [UInt8] = [], largest = 0
            while let piece = try await s.nextChunk() {
                #expect(!piece.isEmpty)
                largest = max(largest, piece.count)
                body += piece
            }
            out.append((head.name, head.filename, body, largest))
        }
        return out
    }

    /// The HTTPError reading every part ends with (nil when it ends normally).
    func failure(_ s: inout MultipartStream) async -> HTTPError? {
        do { _ = try await parts(&s); return nil } catch { return error as? HTTPError }
    }

    @Test func partsArriveAcrossChunkBoundaries() async throws {
        let body = "preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\nDescribe it\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.zip\"\r\nContent-Type: application/zip\r\n\r\n\u{1}\u{2}--X\r\n\r\n-\r\n--XyZ--\r\n"
        for size in [1, 2, 3, 7, 16, 64, 1000] {
            var s = stream(Array(body.utf8), chunk: size)
            let p = try await parts(&s)
            #expect(p.count == 2)
            #expect(p.first?.0 == "prompt" && p.first?.2 == Array("Describe it".utf8))
            #expect(p.last?.1 == "a.zip" && p.last?.2 == [1, 2] + Array("--X\r\n\r\n-".utf8))
            let after = try await s.nextPart()
            #expect(after == nil, "stays finished")
        }
    }

    @Test func aLargePartStreamsInPiecesNoLargerThanTheSourceChunks() async throws {
        var payload = [UInt8](repeating: 0, count: 3 << 20)
        for i in payload.indices { payload[i] = UInt8(truncatingIfNeeded: i &* 31 &+ i >> 9) }
        let head = Array("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.pt\"\r\n\r\n".utf8)
        var s = stream(head + payload + Array("\r\n--b--\r\n".utf8), boundary: "b", chunk: 65_536)
        let p = try await parts(&s)
        #expect(p.count == 1 && p.first?.2 == payload)
        #expect((p.first?.3 ?? .max) <= 65_536 + 8, "pieces are bounded by the chunk size, not the part size")
    }

    @Test func skippingAnUnreadBodyReachesTheNextPart() async throws {
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\naaaa\r\n--XyZ\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\nbb\r\n--XyZ--"
        var s = stream(Array(body.utf8), chunk: 5)
        let a = try await s.nextPart()
        let b = try await s.nextPart()
        var bb: [UInt8] = []
        while let piece = try await s.nextChunk() { bb += piece }
        let none = try await s.nextPart()
        #expect(a?.name == "a" && b?.name == "b" && bb == Array("bb".utf8) && none == nil)
    }

    @Test func malformedBodiesAre400() async throws {
        for body in ["no boundary here", "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunterminated", "--XyZ\r\nno header end"] {
            var s = stream(Array(body.utf8), chunk: 4)
            let f = await failure(&s)
            #expect(f?.status == .badRequest, "\(body)")
        }
        var h = HTTPFields()
        h[.contentType] = "application/json"
        #expect(MultipartStream(request: Request(method: .post, path: "/", headers: h)) == nil)
    }

    @Test func sha256OfAStreamMatchesTheKnownDigest() {
        var h = SHA256Stream()
        h.update(Array("a".utf8)[...])
        h.update(Array("bc".utf8)[...])
        #expect(h.hexDigest() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256Stream().hexDigest() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }
}

extension MultipartStreamTests {
    @Test func aRunningCountOverTheLimitIs413() async throws {
        let body = Array("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x\"\r\n\r\n".utf8) + [UInt8](repeating: 7, count: 10_000)
        let chunks = stride(from: 0, to: body.count, by: 1000).map { Array(body[$0..<min(body.count, $0 + 1000)]) }
        var s = MultipartStream(source: ByteStream(AsyncStreamOf(chunks)).makeAsyncIterator(), boundary: "b", limit: 5000)
        let f = await failure(&s)
        #expect(f?.status == .contentTooLarge)
    }
}

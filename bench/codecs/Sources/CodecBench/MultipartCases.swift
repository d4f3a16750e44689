import EdgeRuntime
import MultipartKit
import NIOCore

/// A form upload (two text fields and one file) arriving in 64 KiB chunks, as the HTTP engine
/// delivers them: ours (`Request.multipart()`) against multipart-kit's `MultipartParser` fed the
/// same chunks, collecting parts the same way; and multipart-kit without collecting (pure parse).
enum MultipartCases {
    static let boundary = "----edgeBenchBoundary7MA4YWxkTrZu0gW"

    static func body(fileBytes: Int) -> [UInt8] {
        var g = Seeded(state: 5)
        var out: [UInt8] = []
        func text(_ s: String) { out += Array(s.utf8) }
        text("--\(boundary)\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\nDescribe the image\r\n")
        text("--\(boundary)\r\nContent-Disposition: form-data; name=\"provider\"\r\n\r\nbigmodel\r\n")
        text("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n")
        out += g.bytes(fileBytes)
        text("\r\n--\(boundary)--\r\n")
        return out
    }

    static func chunks(_ bytes: [UInt8], size: Int = 65_536) -> [[UInt8]] {
        stride(from: 0, to: bytes.count, by: size).map { Array(bytes[$0..<min(bytes.count, $0 + size)]) }
    }

    static func request(_ chunks: [[UInt8]]) -> Request {
        var h = HTTPFields()
        h[.contentType] = "multipart/form-data; boundary=\(boundary)"
        return Request(method: .post, path: "/", headers: h,
                       body: RequestBody(stream: ByteStream(Chunks(chunks)), limit: .max))
    }

    static func run(_ b: inout Bench, mebibytes: Int) async {
        let data = body(fileBytes: mebibytes * 1_048_576)
        let parts = chunks(data)
        await b.runAsync("multipart/\(mebibytes)MiB ours MultipartReader", iterations: 1, unit: "body", bytes: data.count) {
            var n: UInt64 = 0
            for try await p in try request(parts).multipart() { n &+= UInt64(p.bytes.count) }
            return n
        }
        b.run("multipart/\(mebibytes)MiB multipart-kit, parts collected", iterations: 1, unit: "body", bytes: data.count) { _ in
            var n: UInt64 = 0
            for p in try! KitCollector.parse(parts, boundary: boundary) { n &+= UInt64(p.bytes.count) }
            return n
        }
        b.run("multipart/\(mebibytes)MiB multipart-kit, bodies discarded", iterations: 1, unit: "body", bytes: data.count) { _ in
            let parser = MultipartParser(boundary: boundary)
            var n: UInt64 = 0
            parser.onBody = { n &+= UInt64($0.readableBytes) }
            for c in parts { try! parser.execute(c) }
            return n
        }
    }
}

/// multipart-kit's push parser, gathering each part's headers and bytes (what `MultipartPart` holds).
enum KitCollector {
    struct Part { var headers: [(String, String)] = []; var bytes: [UInt8] = [] }

    static func parse(_ chunks: [[UInt8]], boundary: String) throws -> [Part] {
        let parser = MultipartParser(boundary: boundary)
        var parts: [Part] = []
        var current = Part()
        parser.onHeader = { current.headers.append(($0, $1)) }
        parser.onBody = { current.bytes.append(contentsOf: $0.readableBytesView) }
        parser.onPartComplete = { parts.append(current); current = Part() }
        for c in chunks { try parser.execute(c) }
        return parts
    }
}

/// A sendable async sequence over fixed chunks.
struct Chunks: AsyncSequence, Sendable {
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

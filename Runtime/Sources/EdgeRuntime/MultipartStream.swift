#if canImport(Glibc)
import Glibc
#endif

/// The head of one `multipart/form-data` part whose body is read in pieces (``MultipartStream``).
public struct MultipartPartHead: Sendable {
    /// The part's headers, names lower-cased.
    public let headers: [String: String]
    /// `name` from `Content-Disposition`.
    public let name: String?
    /// `filename` from `Content-Disposition` (file fields).
    public let filename: String?
}

/// Reads `multipart/form-data` as a stream of part heads and body pieces, so a part of any size is
/// never held at once (``MultipartReader`` collects each part whole; this one is for large files).
///
/// Use: call ``nextPart()`` for the next head (nil after the closing delimiter), then ``nextChunk()``
/// until it returns nil (the end of that part's body). Calling ``nextPart()`` before a body is read to
/// its end skips the rest of it. Memory held: the source's current chunk plus at most one delimiter's
/// length of carry-over. Each body piece is a slice of the source chunk and is valid until the next call.
///
/// Errors: malformed or truncated input throws ``HTTPError`` 400 `invalid_multipart`; the source's own
/// errors (a client that disconnects) propagate unchanged; past `limit` bytes it throws 413
/// `payload_too_large` without reading further.
public struct MultipartStream {
    var source: ByteStream.Iterator
    let delimiter: [UInt8]
    /// CRLF + delimiter: where a body ends.
    let closing: [UInt8]
    var buffer: [UInt8] = []
    var pos = 0
    var state: State = .preamble
    /// The most body bytes read before 413 `payload_too_large` (a running count, for chunked bodies).
    let limit: Int
    var total = 0

    enum State { case preamble, betweenParts, inBody, finished }

    /// The stream over `request`'s body; nil when its content type is not multipart/form-data with a boundary.
    public init?(request: Request) {
        guard let ct = request.headers[.contentType], let b = MultipartReader.boundary(from: ct) else { return nil }
        self.init(source: request.body.stream.makeAsyncIterator(), boundary: b, limit: request.body.limit)
    }

    /// The stream over `source` with `boundary` (without the leading `--`), reading at most `limit` bytes.
    public init(source: ByteStream.Iterator, boundary: String, limit: Int = .max) {
        self.source = source
        self.limit = limit
        self.delimiter = Array(("--" + boundary).utf8)
        self.closing = [13, 10] + delimiter
    }

    static func bad(_ m: String) -> HTTPError { HTTPError(.badRequest, code: "invalid_multipart", message: m) }

    var available: Int { buffer.count - pos }

    /// Appends the next source chunk (dropping what was consumed first); false at the end of the source.
    mutating func fill() async throws -> Bool {
        guard let chunk = try await source.next() else { return false }
        total += chunk.count
        if total > limit {
            throw HTTPError(.contentTooLarge, code: "payload_too_large", message: "Request body exceeds \(limit) bytes")
        }
        if pos > 0 {
            buffer.removeFirst(pos)
            pos = 0
        }
        if buffer.isEmpty { buffer = chunk } else { buffer.append(contentsOf: chunk) }
        return true
    }

    /// The next part's head, or nil after the closing delimiter.
    public mutating func nextPart() async throws -> MultipartPartHead? {
        switch state {
        case .finished: return nil
        case .inBody: while try await nextChunk() != nil {}
        case .preamble:
            while true {
                if let i = Self.find(delimiter, in: buffer, from: pos) { pos = i + delimiter.count; break }
                pos = Swift.max(pos, buffer.count - delimiter.count)
                guard try await fill() else { throw Self.bad("No multipart boundary found in the body") }
            }
        case .betweenParts: break
        }
        while available < 2 { guard try await fill() else { throw Self.bad("Truncated multipart body") } }
        if buffer[pos] == UInt8(ascii: "-") && buffer[pos + 1] == UInt8(ascii: "-") {
            state = .finished
            return nil
        }
        let headerEnd: Int
        while true {
            if let i = Self.find([13, 10, 13, 10], in: buffer, from: pos) { headerEnd = i; break }
            if available > EdgeLimits.multipartMaxHeaderBytes { throw Self.bad("Multipart part headers are too large") }
            guard try await fill() else { throw Self.bad("Truncated multipart part headers") }
        }
        let headerText = String(decoding: buffer[pos..<headerEnd], as: UTF8.self)
        pos = headerEnd + 4
        var headers: [String: String] = [:]
        for line in headerText.split(separator: "\r\n") where !line.isEmpty {
            guard let c = line.firstIndex(of: ":") else { throw Self.bad("Malformed multipart part header") }
            headers[line[..<c].lowercased()] = String(line[line.index(after: c)...]).trimmingSpaces
        }
        state = .inBody
        let (name, filename) = MultipartReader.disposition(headers["content-disposition"])
        return MultipartPartHead(headers: headers, name: name, filename: filename)
    }

    /// The next piece of the current part's body (never empty), or nil at its end.
    public mutating func nextChunk() async throws -> ArraySlice<UInt8>? {
        guard state == .inBody else { return nil }
        while true {
            if let i = Self.find(closing, in: buffer, from: pos) {
                if i > pos {
                    let piece = buffer[pos..<i]
                    pos = i
                    return piece
                }
                pos = i + closing.count
                state = .betweenParts
                return nil
            }
            // Everything except a tail that could start the delimiter is body.
            let safeEnd = buffer.count - (closing.count - 1)
            if safeEnd > pos {
                let piece = buffer[pos..<safeEnd]
                pos = safeEnd
                return piece
            }
            guard try await fill() else { throw Self.bad("Truncated multipart body: missing closing boundary") }
        }
    }

    /// The first index ≥ `from` where `needle` starts in `hay` (memchr for its first byte, then memcmp).
    static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        let n = needle.count
        guard n > 0, from >= 0, hay.count - from >= n else { return nil }
        return hay.withUnsafeBufferPointer { h -> Int? in
            needle.withUnsafeBufferPointer { nd -> Int? in
                guard let hb = h.baseAddress, let nb = nd.baseAddress else { return nil }
                var i = from
                let last = h.count - n
                while i <= last {
                    guard let p = memchr(hb + i, Int32(nb[0]), last - i + 1) else { return nil }
                    let at = UnsafeRawPointer(hb).distance(to: UnsafeRawPointer(p))
                    if memcmp(hb + at, nb, n) == 0 { return at }
                    i = at + 1
                }
                return nil
            }
        }
    }
}

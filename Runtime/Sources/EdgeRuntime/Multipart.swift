/// One part of a `multipart/form-data` body.
public struct MultipartPart: Sendable {
    /// The part's headers, names lower-cased.
    public let headers: [String: String]
    /// `name` from `Content-Disposition`.
    public let name: String?
    /// `filename` from `Content-Disposition` (file fields).
    public let filename: String?
    public var contentType: String? { headers["content-type"] }
    public let bytes: [UInt8]
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// Reads `multipart/form-data` incrementally from the body stream: parts are yielded as their closing
/// boundary arrives, so the whole body is never held at once (one part at a time, bounded by the
/// function's body limit). Malformed input throws ``HTTPError`` 400 `invalid_multipart`.
public struct MultipartReader: AsyncSequence, Sendable {
    public typealias Element = MultipartPart
    let stream: ByteStream
    let boundary: [UInt8]
    let limit: Int

    /// nil when the content type is not multipart/form-data with a boundary.
    public init?(request: Request) {
        guard let ct = request.headers[.contentType], let b = MultipartReader.boundary(from: ct) else { return nil }
        self.stream = request.body.stream
        self.boundary = Array(("--" + b).utf8)
        self.limit = request.body.limit
    }

    static func boundary(from contentType: String) -> String? {
        let parts = contentType.split(separator: ";").map { $0.trimmingSpacesSub }
        guard parts.first?.lowercased() == "multipart/form-data" else { return nil }
        for p in parts.dropFirst() {
            let kv = p.split(separator: "=", maxSplits: 1)
            if kv.count == 2, kv[0].lowercased() == "boundary" {
                var v = String(kv[1])
                if v.hasPrefix("\"") && v.hasSuffix("\"") && v.count >= 2 { v = String(v.dropFirst().dropLast()) }
                return v.isEmpty || v.utf8.count > 70 ? nil : v
            }
        }
        return nil
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(source: stream.makeAsyncIterator(), delimiter: boundary, limit: limit)
    }

    public struct Iterator: AsyncIteratorProtocol {
        var source: ByteStream.Iterator
        let delimiter: [UInt8]
        let limit: Int
        var buffer: [UInt8] = []
        var started = false
        var finished = false
        var total = 0

        init(source: ByteStream.Iterator, delimiter: [UInt8], limit: Int) {
            self.source = source
            self.delimiter = delimiter
            self.limit = limit
        }

        static func bad(_ m: String) -> HTTPError { HTTPError(.badRequest, code: "invalid_multipart", message: m) }

        mutating func fill() async throws -> Bool {
            guard let chunk = try await source.next() else { return false }
            total += chunk.count
            if total > limit { throw HTTPError(.contentTooLarge, code: "payload_too_large", message: "Request body exceeds \(limit) bytes") }
            buffer.append(contentsOf: chunk)
            return true
        }

        public mutating func next() async throws -> MultipartPart? {
            if finished { return nil }
            if !started {
                // Skip the preamble up to the first delimiter line.
                while true {
                    if let i = MultipartReader.find(delimiter, in: buffer, from: 0) {
                        buffer.removeFirst(i + delimiter.count)
                        break
                    }
                    guard try await fill() else { throw Iterator.bad("No multipart boundary found in the body") }
                }
                started = true
            }
            // After a delimiter: "--" ends, CRLF starts a part.
            while buffer.count < 2 { guard try await fill() else { throw Iterator.bad("Truncated multipart body") } }
            if buffer[0] == UInt8(ascii: "-") && buffer[1] == UInt8(ascii: "-") { finished = true; return nil }
            // Headers end at CRLFCRLF.
            var headerEnd: Int
            while true {
                if let i = MultipartReader.find([13, 10, 13, 10], in: buffer, from: 0) { headerEnd = i; break }
                if buffer.count > 16 * 1024 { throw Iterator.bad("Multipart part headers are too large") }
                guard try await fill() else { throw Iterator.bad("Truncated multipart part headers") }
            }
            let headerText = String(decoding: buffer[0..<headerEnd], as: UTF8.self)
            buffer.removeFirst(headerEnd + 4)
            var headers: [String: String] = [:]
            for line in headerText.split(separator: "\r\n") where !line.isEmpty {
                guard let c = line.firstIndex(of: ":") else { throw Iterator.bad("Malformed multipart part header") }
                headers[line[..<c].lowercased()] = String(line[line.index(after: c)...]).trimmingSpaces
            }
            // Body runs to CRLF + delimiter.
            let closing = [13, 10] + delimiter
            var searchFrom = 0
            while true {
                if let i = MultipartReader.find(closing, in: buffer, from: searchFrom) {
                    let body = Array(buffer[0..<i])
                    buffer.removeFirst(i + closing.count)
                    let (name, filename) = MultipartReader.disposition(headers["content-disposition"])
                    return MultipartPart(headers: headers, name: name, filename: filename, bytes: body)
                }
                searchFrom = Swift.max(0, buffer.count - closing.count)
                guard try await fill() else { throw Iterator.bad("Truncated multipart body: missing closing boundary") }
            }
        }
    }

    static func disposition(_ value: String?) -> (String?, String?) {
        guard let value else { return (nil, nil) }
        var name: String?, filename: String?
        for p in value.split(separator: ";").dropFirst() {
            let kv = p.split(separator: "=", maxSplits: 1)
            guard kv.count == 2 else { continue }
            var v = String(kv[1]).trimmingSpaces
            if v.hasPrefix("\"") && v.hasSuffix("\"") && v.count >= 2 { v = String(v.dropFirst().dropLast()) }
            switch kv[0].trimmingSpacesSub.lowercased() {
            case "name": name = v
            case "filename": filename = v
            default: break
            }
        }
        return (name, filename)
    }

    static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, hay.count >= needle.count, from <= hay.count - needle.count else { return nil }
        let first = needle[0]
        var i = from
        let last = hay.count - needle.count
        while i <= last {
            if hay[i] == first {
                var j = 1
                while j < needle.count && hay[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}

extension Request {
    /// The body as `multipart/form-data` parts, read incrementally; 415 when the body is not multipart.
    public func multipart() throws -> MultipartReader {
        guard let r = MultipartReader(request: self) else {
            throw HTTPError(.unsupportedMediaType, code: "unsupported_media_type", message: "Expected multipart/form-data with a boundary")
        }
        return r
    }
}

extension Substring {
    var trimmingSpacesSub: String { String(self).trimmingSpaces }
}

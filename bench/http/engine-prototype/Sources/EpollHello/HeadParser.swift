import CEngineShim

/// HTTP/1.1 request-head parsing straight from bytes (RFC 9112 sections 3 and 5): request line, header
/// lines, `content-length`, `connection`. Strict where framing is at stake (CR LF line ends, one
/// content-length, no obs-fold, no control bytes), as a server facing raw sockets must be.
enum HeadParser {
    static let maxHeadBytes = 16 * 1024
    static let maxFields = 100
    static let maxContentLength = 1 << 20

    /// Parses the head that starts at `start` if its blank line has arrived. `searched` counts the bytes
    /// after `start` already searched for the blank line (kept relative to `start`, so it survives the
    /// buffer moving its unread bytes to the front); the caller resets it to 0 when it consumes the head.
    static func parse(_ bytes: UnsafeRawBufferPointer, start: Int, end: Int, searched: inout Int)
        -> Result<RequestHead, HeadError>?
    {
        let from = start + max(0, searched - 3)
        let offset = end - from >= 4 ? ces_find_blank_line(bytes.baseAddress! + from, end - from) : -1
        guard offset >= 0 else {
            searched = end - start
            return end - start > maxHeadBytes ? .failure(.tooLarge) : nil
        }
        let headEnd = from + offset + 4
        searched = headEnd - start
        if headEnd - start > maxHeadBytes { return .failure(.tooLarge) }
        return parseHead(bytes, start: start, end: headEnd)
    }

    private static func parseHead(_ b: UnsafeRawBufferPointer, start: Int, end: Int) -> Result<RequestHead, HeadError> {
        // Request line: method SP request-target SP HTTP-version CR LF
        var i = start
        while i < end, isToken(b[i]) { i += 1 }
        let method = start..<i
        guard !method.isEmpty, i < end, b[i] == 0x20 else { return .failure(.badRequest) }
        i += 1
        let targetStart = i
        while i < end, b[i] > 0x20, b[i] != 0x7F { i += 1 }
        let target = targetStart..<i
        guard !target.isEmpty, i + 10 <= end, b[i] == 0x20 else { return .failure(.badRequest) }
        i += 1
        // "HTTP/1.x\r\n"
        guard b[i] == 0x48, b[i + 1] == 0x54, b[i + 2] == 0x54, b[i + 3] == 0x50, b[i + 4] == 0x2F,
              b[i + 5] == 0x31, b[i + 6] == 0x2E, b[i + 7] == 0x31 || b[i + 7] == 0x30,
              b[i + 8] == 0x0D, b[i + 9] == 0x0A
        else { return .failure(.badRequest) }
        var keepAlive = b[i + 7] == 0x31
        i += 10
        var fields: [(name: Range<Int>, value: Range<Int>)] = []
        fields.reserveCapacity(8)
        var contentLength = -1
        // Header lines until the blank line (the last two bytes of the head).
        while i < end - 2 {
            let nameStart = i
            while i < end, isToken(b[i]) { i += 1 }
            let name = nameStart..<i
            guard !name.isEmpty, i < end, b[i] == 0x3A else { return .failure(.badRequest) }
            i += 1
            while i < end, b[i] == 0x20 || b[i] == 0x09 { i += 1 }
            let valueStart = i
            var valueEnd = i
            while i < end, b[i] != 0x0D {
                let c = b[i]
                guard c >= 0x20 || c == 0x09, c != 0x7F else { return .failure(.badRequest) }
                i += 1
                if c != 0x20, c != 0x09 { valueEnd = i }
            }
            guard i + 1 < end, b[i + 1] == 0x0A else { return .failure(.badRequest) }
            i += 2
            guard fields.count < maxFields else { return .failure(.tooLarge) }
            let value = valueStart..<valueEnd
            fields.append((name, value))
            switch name.count {
            case 14 where equalsLowercase(b, name, "content-length"):
                guard let n = decimal(b, value), contentLength == -1 || contentLength == n else {
                    return .failure(.badRequest)
                }
                contentLength = n
            case 17 where equalsLowercase(b, name, "transfer-encoding"):
                return .failure(.unsupported)
            case 10 where equalsLowercase(b, name, "connection"):
                if equalsLowercase(b, value, "close") { keepAlive = false }
                else if equalsLowercase(b, value, "keep-alive") { keepAlive = true }
            default:
                break
            }
        }
        return .success(RequestHead(method: method, target: target, fields: fields,
                                    contentLength: max(contentLength, 0), keepAlive: keepAlive,
                                    headLength: end - start))
    }

    @inline(__always)
    private static func isToken(_ c: UInt8) -> Bool {
        // tchar: ALPHA / DIGIT / "!#$%&'*+-.^_`|~"
        switch c {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        case 0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x5E, 0x5F, 0x60, 0x7C, 0x7E: return true
        default: return false
        }
    }

    private static func equalsLowercase(_ b: UnsafeRawBufferPointer, _ r: Range<Int>, _ lower: StaticString) -> Bool {
        guard r.count == lower.utf8CodeUnitCount else { return false }
        let l = lower.utf8Start
        for k in 0..<r.count {
            var c = b[r.lowerBound + k]
            if c >= 0x41, c <= 0x5A { c |= 0x20 }
            if c != l[k] { return false }
        }
        return true
    }

    private static func decimal(_ b: UnsafeRawBufferPointer, _ r: Range<Int>) -> Int? {
        guard !r.isEmpty, r.count <= 15 else { return nil }
        var n = 0
        for k in r {
            let d = b[k] &- 0x30
            guard d < 10 else { return nil }
            n = n * 10 + Int(d)
        }
        return n
    }
}

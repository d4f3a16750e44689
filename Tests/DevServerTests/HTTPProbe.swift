#if canImport(Glibc)
import Glibc
#endif

/// A minimal HTTP/1.1 client: one request per connection (`connection: close`), bounded in time.
enum HTTPProbe {
    struct Response: Sendable {
        let status: Int
        let body: String
    }

    enum Failure: Error, CustomStringConvertible, Sendable {
        case connect(Int32)
        case io(String)
        var description: String {
            switch self {
            case .connect(let e): return "connect failed: \(String(cString: strerror(e)))"
            case .io(let s): return s
            }
        }
    }

    static func get(port: Int, path: String, timeout: Double = 10) -> Result<Response, Failure> {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .failure(.io("socket")) }
        defer { close(fd) }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: Int(timeout.truncatingRemainder(dividingBy: 1) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { return .failure(.connect(errno)) }
        let request = Array("GET \(path) HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n".utf8)
        let sent = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == request.count else { return .failure(.io("send failed: errno \(errno)")) }
        var data: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0, errno == EINTR { continue }
            if n < 0 { return .failure(.io("recv failed: \(String(cString: strerror(errno)))")) }
            if n == 0 { break }
            data.append(contentsOf: buf[0..<n])
        }
        let text = String(decoding: data, as: UTF8.self)
        guard text.hasPrefix("HTTP/1.1 "), let status = Int(text.dropFirst(9).prefix(3)) else {
            return .failure(.io("not an HTTP response: \(text.prefix(80))"))
        }
        guard let split = text.firstRange(of: "\r\n\r\n") else { return .failure(.io("no header end")) }
        var body = String(text[split.upperBound...])
        // Chunked responses: join the chunks.
        if text[..<split.lowerBound].lowercased().contains("transfer-encoding: chunked") {
            body = dechunk(body)
        }
        return .success(Response(status: status, body: body))
    }

    static func dechunk(_ s: String) -> String {
        var out = ""
        var rest = Substring(s)
        while let lineEnd = rest.firstRange(of: "\r\n") {
            let size = Int(rest[..<lineEnd.lowerBound].split(separator: ";").first ?? "", radix: 16) ?? 0
            rest = rest[lineEnd.upperBound...]
            if size == 0 { break }
            let chunk = rest.utf8.prefix(size)
            out += String(decoding: chunk, as: UTF8.self)
            rest = Substring(String(decoding: rest.utf8.dropFirst(size), as: UTF8.self))
            if rest.hasPrefix("\r\n") { rest = rest.dropFirst(2) }
        }
        return out
    }

    /// Polls until `path` answers 200 with `body` (trimmed), or `timeout` passes. Returns the
    /// seconds it took, or nil.
    static func waitFor(port: Int, path: String, body: String, timeout: Double) -> Double? {
        let start = monotonicSeconds()
        while monotonicSeconds() - start < timeout {
            if case .success(let r) = get(port: port, path: path, timeout: 5), r.status == 200, r.body.trimmingCharacters == body {
                return monotonicSeconds() - start
            }
            usleep(50_000)
        }
        return nil
    }
}

extension String {
    var trimmingCharacters: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}

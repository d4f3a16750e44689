#if canImport(Glibc)
import Glibc
#endif

/// A deliberately dumb HTTP/1.1 client over a real TCP socket to `127.0.0.1`: it sends exactly the bytes
/// it is given (so tests can send malformed requests) and reads until the server closes or the response
/// is complete. Blocking: call it from a thread of its own, or against another process (`edge serve`).
public enum RawHTTP {
    public struct Response: Sendable {
        public let status: Int
        public let headers: [(String, String)]
        public let body: [UInt8]
        public var text: String { String(decoding: body, as: UTF8.self) }
        public func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    public static func connect(port: Int, timeoutSeconds: Int = 10) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket failed") }
        var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { close(fd); throw Failure(description: "connect failed: errno \(errno)") }
        return fd
    }

    public static func send(_ fd: Int32, _ bytes: [UInt8]) throws {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { throw Failure(description: "send failed: errno \(errno)") }
            off += n
        }
    }

    /// Reads one response (Content-Length or close-delimited; chunked bodies are de-chunked).
    public static func read(_ fd: Int32) throws -> Response {
        var data: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        func more() -> Bool {
            let n = recv(fd, &buf, buf.count, 0)
            if n <= 0 { return false }
            data.append(contentsOf: buf[0..<n])
            return true
        }
        var headerEnd: Int? = nil
        while headerEnd == nil {
            if let r = find(data, [13, 10, 13, 10]) { headerEnd = r; break }
            if !more() { throw Failure(description: "connection closed before a response head (got \(data.count) bytes)") }
        }
        let head = String(decoding: data[..<headerEnd!], as: UTF8.self)
        var lines = head.split(separator: "\r\n").map(String.init)
        let statusLine = lines.removeFirst()
        let status = Int(statusLine.split(separator: " ")[1]) ?? 0
        let headers: [(String, String)] = lines.compactMap { l in
            guard let c = l.firstIndex(of: ":") else { return nil }
            return (String(l[..<c]), String(l[l.index(after: c)...]).trimmingCharacters(in: " "))
        }
        var body = Array(data[(headerEnd! + 4)...])
        let h = { (n: String) in headers.first { $0.0.lowercased() == n }?.1 }
        if let cl = h("content-length").flatMap({ Int($0) }) {
            while body.count < cl {
                let before = data.count
                if !more() { break }
                body.append(contentsOf: data[before...])
            }
        } else if h("transfer-encoding")?.lowercased() == "chunked" {
            while find(body, Array("0\r\n\r\n".utf8)) == nil {
                let before = data.count
                if !more() { break }
                body.append(contentsOf: data[before...])
            }
            body = dechunk(body)
        } else if status >= 200, status != 204, status != 304 {
            while true {
                let before = data.count
                if !more() { break }
                body.append(contentsOf: data[before...])
            }
        }
        return Response(status: status, headers: headers, body: body)
    }

    /// One request on a fresh connection (`Connection: close` is added unless `raw` is given); each read
    /// waits at most `timeoutSeconds`.
    public static func request(port: Int, _ method: String = "GET", _ path: String, headers: [String: String] = [:], body: [UInt8] = [],
                               timeoutSeconds: Int = 10) throws -> Response {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (k, v) in headers { text += "\(k): \(v)\r\n" }
        if !body.isEmpty || ["POST", "PUT", "PATCH"].contains(method) { text += "Content-Length: \(body.count)\r\n" }
        text += "\r\n"
        return try raw(port: port, Array(text.utf8) + body, timeoutSeconds: timeoutSeconds)
    }

    public static func raw(port: Int, _ bytes: [UInt8], timeoutSeconds: Int = 10) throws -> Response {
        let fd = try connect(port: port, timeoutSeconds: timeoutSeconds)
        defer { close(fd) }
        try send(fd, bytes)
        return try read(fd)
    }

    public static func find(_ hay: [UInt8], _ needle: [UInt8]) -> Int? {
        guard hay.count >= needle.count else { return nil }
        for i in 0...(hay.count - needle.count) where hay[i] == needle[0] && Array(hay[i..<(i + needle.count)]) == needle { return i }
        return nil
    }

    public static func dechunk(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < b.count {
            guard let lineEnd = find(Array(b[i...]), [13, 10]) else { break }
            let size = Int(String(decoding: b[i..<(i + lineEnd)], as: UTF8.self).split(separator: ";")[0], radix: 16) ?? 0
            i += lineEnd + 2
            if size == 0 { break }
            out.append(contentsOf: b[i..<min(b.count, i + size)])
            i += size + 2
        }
        return out
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}

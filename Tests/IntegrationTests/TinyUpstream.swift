import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A loopback HTTP server on its own thread that answers every request with one JSON body and records
/// the request paths. Enough to stand in for a tip-menu origin or a provider.
final class TinyUpstream: @unchecked Sendable {
    let port: Int
    private let fd: Int32
    private let recorded = Mutex<[String]>([])
    private let body: String
    private let contentType: String
    private let chunks: [String]?
    private let delayMicros: UInt32
    private var thread: pthread_t? = nil

    var paths: [String] { recorded.withLock { $0 } }

    /// Answers `body` (or, with `chunks`, a close-delimited stream of them with `delayMs` between).
    init(body: String, contentType: String = "application/json", chunks: [String]? = nil, delayMs: Int = 0) throws {
        self.body = body
        self.contentType = contentType
        self.chunks = chunks
        self.delayMicros = UInt32(delayMs * 1000)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        listen(fd, 64)
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        self.fd = fd
        port = Int(UInt16(bigEndian: addr.sin_port))
        let box = Unmanaged.passRetained(self)
        var t = pthread_t()
        pthread_create(&t, nil, { arg in
            let me = Unmanaged<TinyUpstream>.fromOpaque(arg!).takeRetainedValue()
            me.serve()
            return nil
        }, box.toOpaque())
        thread = t
    }

    private func serve() {
        while true {
            let c = accept(fd, nil, nil)
            if c < 0 { return }
            var buf = [UInt8](repeating: 0, count: 8192)
            let n = recv(c, &buf, buf.count, 0)
            if n > 0 {
                let head = String(decoding: buf[0..<n], as: UTF8.self)
                let path = head.split(separator: " ").dropFirst().first.map(String.init) ?? ""
                recorded.withLock { $0.append(path) }
                if let chunks {
                    let head = Array("HTTP/1.1 200 OK\r\nContent-Type: \(contentType)\r\nConnection: close\r\n\r\n".utf8)
                    _ = head.withUnsafeBytes { send(c, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    for chunk in chunks {
                        usleep(delayMicros)
                        let b = Array(chunk.utf8)
                        _ = b.withUnsafeBytes { send(c, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    }
                } else {
                    let b = Array(body.utf8)
                    let resp = "HTTP/1.1 200 OK\r\nContent-Type: \(contentType)\r\nContent-Length: \(b.count)\r\nConnection: close\r\n\r\n"
                    let all = Array(resp.utf8) + b
                    _ = all.withUnsafeBytes { send(c, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                }
            }
            close(c)
        }
    }

    func stop() { shutdown(fd, Int32(SHUT_RDWR)); close(fd) }
}

#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization

/// The supervisor's own listening socket: every accepted connection is relayed byte for byte to
/// the current child server. Switching the backend affects new connections only; connections
/// already relayed to the old child stay with it until it closes them (after draining).
final class Relay: Sendable {
    enum Backend: Sendable, Equatable {
        /// No server yet (first build running): connections wait for one.
        case starting
        case ready(port: Int)
        /// No server can run (the first build failed): connections get a 503 with this text.
        case unavailable(String)
    }

    struct RelayError: Error, CustomStringConvertible { let description: String }

    let listener: Int32
    let port: Int
    let host: String
    private let backend = Mutex<Backend>(.starting)
    private let stopped = Atomic<Bool>(false)
    private let active = Atomic<Int>(0)
    /// How long a connection waits for the first server before it gets a 503.
    let startWait: Double

    init(host: String, port: Int, startWait: Double = 120) throws {
        self.host = host
        self.startWait = startWait
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var res: UnsafeMutablePointer<addrinfo>? = nil
        let rc = getaddrinfo(host.isEmpty ? nil : host, String(port), &hints, &res)
        guard rc == 0, let first = res else {
            throw RelayError(description: "cannot resolve HOST '\(host)': \(String(cString: gai_strerror(rc)))")
        }
        defer { freeaddrinfo(res) }
        var fd: Int32 = -1
        var lastErrno: Int32 = 0
        var ai: UnsafeMutablePointer<addrinfo>? = first
        while let a = ai {
            fd = socket(a.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            if fd >= 0 {
                var one: Int32 = 1
                setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
                if bind(fd, a.pointee.ai_addr, a.pointee.ai_addrlen) == 0, listen(fd, 1024) == 0 { break }
                lastErrno = errno
                close(fd)
                fd = -1
            } else {
                lastErrno = errno
            }
            ai = a.pointee.ai_next
        }
        guard fd >= 0 else {
            throw RelayError(description: "cannot listen on \(host):\(port): \(String(cString: strerror(lastErrno)))")
        }
        listener = fd
        self.port = Relay.localPort(fd) ?? port
    }

    static func localPort(_ fd: Int32) -> Int? {
        var storage = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        guard ok == 0 else { return nil }
        return withUnsafePointer(to: &storage) { p -> Int? in
            switch Int32(p.pointee.ss_family) {
            case AF_INET: return p.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
            case AF_INET6: return p.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            default: return nil
            }
        }
    }

    var currentBackend: Backend { backend.withLock { $0 } }

    func setBackend(_ b: Backend) { backend.withLock { $0 = b } }

    /// Connections being relayed now.
    var activeConnections: Int { active.load(ordering: .relaxed) }

    func start() {
        OSThread.start { [self] in acceptLoop() }
    }

    func stop() {
        if stopped.exchange(true, ordering: .acquiringAndReleasing) { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptLoop() {
        while !stopped.load(ordering: .acquiring) {
            let client = GNU.acceptCloexec(listener)
            if client < 0 {
                if stopped.load(ordering: .acquiring) { return }
                if errno == EINTR || errno == ECONNABORTED { continue }
                if errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM { usleep(50_000); continue }
                if errno == EBADF || errno == EINVAL { return }
                continue
            }
            active.add(1, ordering: .relaxed)
            OSThread.start { [self] in
                serve(client)
                active.subtract(1, ordering: .relaxed)
            }
        }
    }

    // MARK: One connection

    private func serve(_ client: Int32) {
        var one: Int32 = 1
        setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let upstream: Int32
        switch connectBackend() {
        case .success(let fd): upstream = fd
        case .failure(let reason):
            Relay.reject(client, status: reason.status, body: reason.body)
            return
        }
        setsockopt(upstream, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))

        let requestSideDone = DispatchSemaphore(value: 0)
        OSThread.start {
            // client -> server
            if !Relay.pump(from: client, to: upstream) {
                shutdown(upstream, Int32(SHUT_RDWR))  // server gone: unblock the other direction
            } else {
                shutdown(upstream, Int32(SHUT_WR))
            }
            requestSideDone.signal()
        }
        // server -> client
        _ = Relay.pump(from: upstream, to: client)
        // The server closed (or failed): the exchange is over; unblock the client reader.
        shutdown(client, Int32(SHUT_WR))
        shutdown(client, Int32(SHUT_RD))
        requestSideDone.wait()
        close(upstream)
        close(client)
    }

    struct Rejection: Error {
        let status: String
        let body: String
    }

    /// Connects to the current child, waiting while the first one starts, and retrying briefly
    /// when the backend changed under us (the old child stopped listening just after we read it).
    private func connectBackend() -> Result<Int32, Rejection> {
        let deadline = Clock.now() + startWait
        var refusals = 0
        while true {
            if stopped.load(ordering: .acquiring) {
                return .failure(Rejection(status: "503 Service Unavailable", body: "edge dev is shutting down\n"))
            }
            switch currentBackend {
            case .starting:
                if Clock.now() > deadline {
                    return .failure(Rejection(status: "503 Service Unavailable", body: "edge dev: the server is still starting (see the terminal)\n"))
                }
                usleep(20_000)
            case .unavailable(let why):
                return .failure(Rejection(status: "503 Service Unavailable", body: why.hasSuffix("\n") ? why : why + "\n"))
            case .ready(let port):
                if let fd = Relay.connect(port: port) { return .success(fd) }
                refusals += 1
                if refusals > 100 {
                    return .failure(Rejection(status: "502 Bad Gateway", body: "edge dev: the server on port \(port) refuses connections (did it crash? see the terminal)\n"))
                }
                usleep(20_000)
            }
        }
    }

    static func connect(port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if rc != 0 {
            close(fd)
            return nil
        }
        return fd
    }

    /// Copies until end of stream; false if a write failed (the other side is gone).
    static func pump(from: Int32, to: Int32) -> Bool {
        var buf = [UInt8](repeating: 0, count: 32 * 1024)
        while true {
            let n = buf.withUnsafeMutableBytes { recv(from, $0.baseAddress, $0.count, 0) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { return true }
            var off = 0
            while off < n {
                let w = buf.withUnsafeBytes { send(to, $0.baseAddress! + off, n - off, Int32(MSG_NOSIGNAL)) }
                if w < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                off += w
            }
        }
    }

    /// Answers without a server: reads what the client sent (so closing does not reset the
    /// connection before it sees the answer), writes a small text response, closes.
    static func reject(_ client: Int32, status: String, body: String) {
        var buf = [UInt8](repeating: 0, count: 16 * 1024)
        var pfd = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
        if poll(&pfd, 1, 200) > 0 {
            _ = buf.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        }
        let bytes = Array(body.utf8)
        let head = "HTTP/1.1 \(status)\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: \(bytes.count)\r\nretry-after: 1\r\nconnection: close\r\n\r\n"
        let all = Array(head.utf8) + bytes
        _ = all.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        shutdown(client, Int32(SHUT_WR))
        // Drain briefly until the client closes.
        for _ in 0..<10 {
            var p = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 100) > 0 else { break }
            let n = buf.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
        }
        close(client)
    }
}

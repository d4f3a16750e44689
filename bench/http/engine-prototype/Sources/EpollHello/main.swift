import Glibc

// EpollHello: HOST (127.0.0.1), PORT (0: a free one), LOOPS (1), HANDLER (inline | task).
func env(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }
let host = env("HOST") ?? "127.0.0.1"
let loops = max(1, Int(env("LOOPS") ?? "") ?? 1)
let taskMode = env("HANDLER") == "task"
signal(SIGPIPE, SIG_IGN)
signal(SIGTERM) { _ in _exit(0) }

func listener(port: UInt16) -> (fd: Int32, port: UInt16) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
    precondition(fd >= 0, "socket failed")
    var one: Int32 = 1
    _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
    _ = setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, socklen_t(MemoryLayout<Int32>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    precondition(inet_pton(AF_INET, host, &address.sin_addr) == 1, "HOST must be an IPv4 address")
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    precondition(bound == 0 && listen(fd, 1024) == 0, "bind/listen failed: errno \(errno)")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return (fd, UInt16(bigEndian: address.sin_port))
}

let first = listener(port: UInt16(env("PORT") ?? "") ?? 0)
var fds = [first.fd]
for _ in 1..<loops { fds.append(listener(port: first.port).fd) }
print(#"{"url":"http://\#(host):\#(first.port)","loops":\#(loops),"handler":"\#(taskMode ? "task" : "inline")"}"#)
fflush(nil)

final class Box { let loop: EpollLoop; init(_ loop: EpollLoop) { self.loop = loop } }

/// Runs a loop on a thread of its own (nonisolated: top-level code is the main actor's, and a closure
/// written there would check for it on the new thread).
nonisolated func startThread(_ loop: EpollLoop) {
    var thread = pthread_t()
    let box = Unmanaged.passRetained(Box(loop)).toOpaque()
    pthread_create(&thread, nil, { raw in
        Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue().loop.run()
    }, box)
}
for fd in fds.dropFirst() { startThread(EpollLoop(listenFD: fd, taskMode: taskMode)) }
EpollLoop(listenFD: first.fd, taskMode: taskMode).run()

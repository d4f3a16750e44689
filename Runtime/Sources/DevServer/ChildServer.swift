#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// One `edge serve` child on an ephemeral port of 127.0.0.1. Its output is forwarded to the
/// console line by line; its "listening" line tells us the port.
final class ChildServer: Sendable {
    let pid: pid_t
    let generation: Int
    private let ready = Mailbox<Int?>()
    private let exit = Mutex<Subprocess.Termination?>(nil)
    private let terminating = Atomic<Bool>(false)

    private init(pid: pid_t, generation: Int) {
        self.pid = pid
        self.generation = generation
    }

    /// Starts `binary serve`; `onExit` runs (on the reader thread) when it ends.
    static func start(binary: String, environment: [String: String], directory: String, generation: Int,
                      console: Console, onExit: @escaping @Sendable (ChildServer, Subprocess.Termination) -> Void) throws -> ChildServer {
        let (pid, fd) = try Subprocess.spawn(binary, ["serve"], environment: environment, directory: directory)
        let child = ChildServer(pid: pid, generation: generation)
        OSThread.start {
            child.readLoop(fd, console: console)
            let t = Subprocess.wait(pid)
            child.exit.withLock { $0 = t }
            child.ready.post(nil)
            onExit(child, t)
        }
        return child
    }

    private func readLoop(_ fd: Int32, console: Console) {
        var listening = false
        var pending: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            pending.append(contentsOf: buf[0..<n])
            while let nl = pending.firstIndex(of: 10) {
                let line = String(decoding: pending[..<nl], as: UTF8.self)
                pending.removeSubrange(...nl)
                if !listening {
                    if let port = ChildServer.listeningPort(in: line) {
                        listening = true
                        ready.post(port)
                        continue  // the supervisor announces its own address instead
                    }
                }
                console.child(line)
            }
        }
        if !pending.isEmpty { console.child(String(decoding: pending, as: UTF8.self)) }
        close(fd)
    }

    /// The port from `edge serve`'s ready line, JSON (`"msg":"listening" … "url":"http://127.0.0.1:PORT"`)
    /// or pretty (`INFO listening … url=http://127.0.0.1:PORT`).
    static func listeningPort(in line: String) -> Int? {
        guard line.contains("listening"), let r = line.firstRange(of: "http://") else { return nil }
        let rest = line[r.upperBound...]
        // Skip the host (may be [::1]); the port follows the last ':' before '/', '"', ' ' or the end.
        let hostAndPort = rest.prefix { $0 != "/" && $0 != "\"" && $0 != " " && $0 != "," }
        guard let colon = hostAndPort.lastIndex(of: ":") else { return nil }
        return Int(hostAndPort[hostAndPort.index(after: colon)...])
    }

    /// Waits for the listening line; nil if the child exits first or `timeout` passes.
    func waitUntilListening(timeout: Double) -> Int? {
        ready.take(timeout: timeout) ?? nil
    }

    var termination: Subprocess.Termination? { exit.withLock { $0 } }

    var isTerminating: Bool { terminating.load(ordering: .relaxed) }

    /// From now on its exit is expected (not reported as a crash).
    func markRetiring() { terminating.store(true, ordering: .relaxed) }

    /// Graceful stop: the server stops accepting, finishes in-flight requests, exits.
    func terminate() {
        terminating.store(true, ordering: .relaxed)
        if termination == nil { kill(pid, SIGTERM) }
    }

    func forceKill() {
        terminating.store(true, ordering: .relaxed)
        if termination == nil { kill(pid, SIGKILL) }
    }

    /// Waits up to `timeout` seconds for the process to end.
    @discardableResult
    func waitForExit(timeout: Double) -> Subprocess.Termination? {
        let deadline = Clock.now() + timeout
        while Clock.now() < deadline {
            if let t = termination { return t }
            usleep(20_000)
        }
        return termination
    }
}

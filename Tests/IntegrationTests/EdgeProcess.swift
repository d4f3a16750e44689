import EdgeTesting
#if canImport(Glibc)
import Glibc
#endif

/// The real `edge` binary started on an ephemeral port, as production runs it.
/// Its stdout (JSON log lines) goes to a temporary file the test can read.
final class EdgeProcess: @unchecked Sendable {
    let pid: pid_t
    let port: Int
    let logPath: String

    /// The built binary: `$EDGE_BIN`, else `.build/debug/edge` under the current directory.
    static var binary: String {
        if let b = getenv("EDGE_BIN") { return String(cString: b) }
        return currentDirectory() + "/.build/debug/edge"
    }

    static func currentDirectory() -> String {
        var buf = [CChar](repeating: 0, count: 4096)
        return getcwd(&buf, buf.count).map { String(cString: $0) } ?? "."
    }

    struct StartError: Error, CustomStringConvertible { let description: String }

    /// Starts `edge <arguments>` with `PORT=0` and waits (up to 20 s) for its "listening" line.
    /// `launcher` runs before the binary and must `exec` it, keeping the process id
    /// (`["/usr/bin/prlimit", "--nofile=64", "--"]`).
    init(arguments: [String] = ["serve"], environment: [String: String] = [:], launcher: [String] = []) throws {
        let bin = EdgeProcess.binary
        guard access(bin, X_OK) == 0 else { throw StartError(description: "edge binary not found at \(bin): run `swift build` first (make test does)") }
        logPath = "/tmp/edge-it-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).log"
        var env = ["PORT": "0", "HOST": "127.0.0.1", "PATH": String(cString: getenv("PATH"))]
        for (k, v) in environment { env[k] = v }
        var fileActions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fileActions)
        posix_spawn_file_actions_addopen(&fileActions, 1, logPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&fileActions, 1, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = (launcher + [bin] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        var p: pid_t = 0
        let rc = posix_spawn(&p, launcher.first ?? bin, &fileActions, nil, argv, envp)
        posix_spawn_file_actions_destroy(&fileActions)
        argv.forEach { free($0) }
        envp.forEach { free($0) }
        guard rc == 0 else { throw StartError(description: "posix_spawn failed: \(rc)") }
        pid = p
        var found: Int? = nil
        for _ in 0..<400 {
            if let line = EdgeProcess.readFile(logPath).split(separator: "\n").first(where: { $0.contains("\"msg\":\"listening\"") }),
               let r = RawHTTP.find(Array(line.utf8), Array("\"url\":\"http://127.0.0.1:".utf8)) {
                found = Int(String(line.utf8.dropFirst(r + 24).prefix { $0 >= 48 && $0 <= 57 })!)
                break
            }
            var status: Int32 = 0
            if waitpid(p, &status, WNOHANG) == p {
                throw StartError(description: "edge exited during start-up:\n\(EdgeProcess.readFile(logPath))")
            }
            usleep(50_000)
        }
        guard let found else {
            kill(p, SIGKILL)
            throw StartError(description: "edge did not report listening within 20 s:\n\(EdgeProcess.readFile(logPath))")
        }
        port = found
    }

    var log: String { EdgeProcess.readFile(logPath) }

    /// Sends `signal` and waits up to `timeout` seconds; returns the exit status (or nil if still running).
    @discardableResult
    func stop(signal: Int32 = SIGTERM, timeout: Double = 15) -> Int32? {
        kill(pid, signal)
        let deadline = Double(clock()) // unused; we poll by iterations
        _ = deadline
        for _ in 0..<Int(timeout * 20) {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                return (status & 0x7f) == 0 ? (status >> 8) & 0xff : -(status & 0x7f)
            }
            usleep(50_000)
        }
        return nil
    }

    deinit {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        unlink(logPath)
    }

    static func readFile(_ path: String) -> String {
        guard let fp = fopen(path, "rb") else { return "" }
        defer { fclose(fp) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buf, 1, buf.count, fp)
            if n <= 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

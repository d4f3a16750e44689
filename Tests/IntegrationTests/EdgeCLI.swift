import EdgeTesting
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The real `edge` binary run as a user runs it: in a chosen folder, with exactly the environment
/// given (plus PATH), standard output and standard error kept apart.
struct EdgeCLI {
    struct Result {
        let status: Int32
        let out: String
        let err: String
    }

    /// Runs `edge <arguments>` in `directory` to completion (at most `timeout` seconds).
    static func run(_ arguments: [String], in directory: String, env: [String: String] = [:], timeout: Double = 60) throws -> Result {
        let started = try start(arguments, in: directory, env: env)
        let deadline = Date().addingTimeInterval(timeout)
        while started.process.isRunning, Date() < deadline { usleep(20_000) }
        if started.process.isRunning { started.process.terminate() }
        started.process.waitUntilExit()
        defer { started.cleanup() }
        return Result(status: started.process.terminationStatus, out: started.out, err: started.err)
    }

    /// A running `edge`: its process and the files its output goes to.
    final class Running {
        let process: Process
        let outPath: String
        let errPath: String

        init(process: Process, outPath: String, errPath: String) {
            self.process = process
            self.outPath = outPath
            self.errPath = errPath
        }

        var out: String { (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "" }
        var err: String { (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "" }

        /// The port of the "listening" line, waiting up to 20 s; nil if the process exits or never says it.
        func listeningPort() -> Int? {
            for _ in 0..<400 {
                if let line = out.split(separator: "\n").first(where: { $0.contains(#""msg":"listening""#) }),
                   let r = line.range(of: "\"url\":\"http://127.0.0.1:") {
                    return Int(line[r.upperBound...].prefix { $0.isNumber })
                }
                if !process.isRunning { return nil }
                usleep(50_000)
            }
            return nil
        }

        /// SIGTERM, then waits; the exit status.
        @discardableResult
        func stop() -> Int32 {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            return process.terminationStatus
        }

        func cleanup() {
            unlink(outPath)
            unlink(errPath)
        }
    }

    /// Starts `edge <arguments>` in `directory`.
    static func start(_ arguments: [String], in directory: String, env: [String: String] = [:]) throws -> Running {
        let base = "/tmp/edge-cli-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        FileManager.default.createFile(atPath: base + ".out", contents: nil)
        FileManager.default.createFile(atPath: base + ".err", contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: EdgeProcess.binary)
        process.arguments = arguments
        var environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        for (k, v) in env { environment[k] = v }
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardOutput = FileHandle(forWritingAtPath: base + ".out")
        process.standardError = FileHandle(forWritingAtPath: base + ".err")
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return Running(process: process, outPath: base + ".out", errPath: base + ".err")
    }

    /// A port nothing listens on right now (bound to 0 and released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard bound else { throw RawHTTP.Failure(description: "no free port: errno \(errno)") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// The names in `directory`, recursively (for "leaves no trace").
    static func listing(_ directory: String) -> [String] {
        (FileManager.default.enumerator(atPath: directory)?.allObjects as? [String] ?? []).sorted()
    }
}

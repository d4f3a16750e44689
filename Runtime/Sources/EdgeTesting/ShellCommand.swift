#if canImport(Glibc)
import Glibc
#endif

/// Runs a command line through `/bin/sh -c` and waits for it: for test harnesses that drive
/// scripts and the real `edge` binary (`TemporaryPostgres`, `edge kv …` in integration tests).
public enum ShellCommand {
    /// The exit status (128 + n when killed by signal n; -1 if it could not start).
    public static func run(_ commandLine: String, environment extra: [String: String] = [:]) -> Int32 {
        var env: [String: String] = [:]
        var e = environ
        while let p = e.pointee {
            let kv = String(cString: p)
            if let eq = kv.firstIndex(of: "=") { env[String(kv[..<eq])] = String(kv[kv.index(after: eq)...]) }
            e += 1
        }
        for (k, v) in extra { env[k] = v }
        let words: [String] = ["/bin/sh", "-c", commandLine]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, "/bin/sh", nil, nil, argv, envp) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}

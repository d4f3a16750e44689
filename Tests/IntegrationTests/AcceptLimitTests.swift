import EdgeTesting
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The real `edge` binary at its open-file limit: accepting backs off instead of spinning, says so once,
/// leaves descriptors for the rest of the process, and serves again once descriptors are free.
@Suite(.serialized) struct AcceptLimitTests {
    /// Clock ticks the process has used (user + system), from `/proc/<pid>/stat`.
    static func cpuTicks(_ pid: pid_t) -> Int {
        let stat = EdgeProcess.readFile("/proc/\(pid)/stat")
        guard let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the command: state is field 3, utime 14 and stime 15 (1-based, counting pid and comm).
        return (Int(fields[11]) ?? 0) + (Int(fields[12]) ?? 0)
    }

    static func shell(_ command: String) -> Int32 {
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = ["/bin/sh", "-c", command].map { (arg: String) in strdup(arg) } + [nil]
        defer { argv.forEach { free($0) } }
        guard posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ) == 0 else { return -1 }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return (status >> 8) & 0xff
    }

    /// The descriptor numbers the process has open.
    static func descriptorNumbers(_ pid: pid_t) -> [Int] {
        guard let dir = opendir("/proc/\(pid)/fd") else { return [] }
        defer { closedir(dir) }
        var out: [Int] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if let n = Int(name) { out.append(n) }
        }
        return out.sorted()
    }


    /// One serving process (`--workers 0`), so the process measured is the one accepting.
    static let serve = ["serve", "--workers", "0"]

    @Test func atTheOpenFileLimitAcceptingBacksOffAndLogsOnce() throws {
        // Once the server's descriptors have settled (its apps' background work starts after the
        // "listening" line), its limit is set on the running process so that four descriptor numbers
        // stay free below it. (The limit caps numbers, not a count: descriptors inherited from the test
        // process sit at high numbers and must not be counted.)
        let edge = try EdgeProcess(arguments: Self.serve)
        var numbers = Self.descriptorNumbers(edge.pid)
        for _ in 0..<50 {
            usleep(200_000)
            let now = Self.descriptorNumbers(edge.pid)
            if now == numbers { break }
            numbers = now
        }
        var limit = 0
        while limit - numbers.filter({ $0 < limit }).count < 4 { limit += 1 }
        #expect(Self.shell("/usr/bin/prlimit --pid \(edge.pid) --nofile=\(limit):\(limit)") == 0)
        var held: [Int32] = []
        defer { held.forEach { close($0) } }
        // Connections past the limit wait in the listen backlog; accept fails with EMFILE for them.
        for _ in 0..<(20) { held.append(try RawHTTP.connect(port: edge.port, timeoutSeconds: 2)) }
        usleep(300_000)
        let before = Self.cpuTicks(edge.pid)
        usleep(2_000_000)
        let used = Self.cpuTicks(edge.pid) - before
        // Spinning on accept would burn a whole core: about 200 ticks in 2 s.
        #expect(used < 40, "\(used) ticks of CPU in 2 s at the descriptor limit")
        // At the limit the accept loop's reserve (EdgeLimits.reservedDescriptors) is free for the rest of the process:
        // libdispatch's thread-pool monitor ends the process when it cannot open a file.
        let free = limit - Self.descriptorNumbers(edge.pid).filter { $0 < limit }.count
        #expect(free >= EdgeLimits.reservedDescriptors / 2, "\(free) descriptors free below the limit while accepting is paused")
        let lines = edge.log.split(separator: "\n").filter { $0.contains("accept failed") }
        #expect(lines.count == 1, "\(edge.log.suffix(12_000))")
        // Descriptors free again: it serves.
        held.forEach { close($0) }
        held = []
        var status = 0
        for _ in 0..<40 where status != 200 {
            status = (try? RawHTTP.request(port: edge.port, "GET", "/healthz", timeoutSeconds: 3))?.status ?? 0
            if status != 200 { usleep(100_000) }
        }
        // Freeing the held connections during a back-off once trapped NIO's server channel (an accept
        // that found nothing after a wake-up); the accept loop treats that as `EAGAIN`.
        #expect(status == 200, "\(edge.log.suffix(12_000))")
        #expect(edge.stop() == 0, "\(edge.log.suffix(12_000))")
    }
}

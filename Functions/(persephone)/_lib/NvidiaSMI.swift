#if canImport(Glibc)
import Glibc
#endif
import EdgeRuntime
import Synchronization

/// The machine's real GPUs, from `nvidia-smi --query-gpu=index,name,memory.total
/// --format=csv,noheader,nounits` (CONTRACTS §4.2, issue 16): each line `0, NVIDIA A100-SXM4-80GB, 81920`
/// becomes `{"id":"gpu0","name":"NVIDIA A100-SXM4-80GB","memoryGb":80,"provider":"nvidia-smi","region":"local"}`.
///
/// The command is `PERSEPHONE_NVIDIA_SMI` (default `nvidia-smi`, looked up in `PATH`; `off` disables).
/// It runs once per process and command (off the event loops, ``CPUWork``) and its answer is kept:
/// nil when the command is missing, exits non-zero, or prints nothing parseable within
/// ``timeoutMs`` (then the catalogue falls back to `PERSEPHONE_GPUS_JSON` or the simulated three).
///
/// - Important: the list is not refreshed while the process lives; restart to see new hardware.
enum NvidiaSMI {
    static let timeoutMs: Int32 = 5_000
    static let arguments = ["--query-gpu=index,name,memory.total", "--format=csv,noheader,nounits"]
    private static let cache = Mutex<[String: [GpuOption]?]>([:])

    static func gpus(command: String) async -> [GpuOption]? {
        if let hit = cache.withLock({ $0[command] }) { return hit }
        let found: [GpuOption]? = (try? await CPUWork.run { query(command).flatMap(parse) }) ?? nil
        cache.withLock { $0[command] = .some(found) }
        return found
    }

    /// The lines of the command's standard output, or nil when it cannot run or fails.
    static func query(_ command: String) -> String? {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return nil }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        let argv: [UnsafeMutablePointer<CChar>?] = ([command] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, command, &actions, nil, argv, environ)
        close(fds[1])
        defer { close(fds[0]) }
        guard rc == 0 else { return nil }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        var timedOut = false
        while out.count < 1 << 20 {
            var p = pollfd(fd: fds[0], events: Int16(POLLIN), revents: 0)
            let ready = poll(&p, 1, timeoutMs)
            if ready == 0 { timedOut = true; break }
            if ready < 0 { if errno == EINTR { continue }; break }
            let n = read(fds[0], &buf, buf.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            out += buf[0..<n]
        }
        if timedOut { kill(pid, SIGKILL) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard !timedOut, status & 0x7F == 0, (status >> 8) & 0xFF == 0 else { return nil }
        return String(decoding: out, as: UTF8.self)
    }

    /// One GPU per well-formed CSV line (`index, name, memory MiB`); nil when no line is well formed
    /// and the output is not empty.
    static func parse(_ text: String) -> [GpuOption]? {
        var gpus: [GpuOption] = []
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingSpacesString }.filter { !$0.isEmpty }
        for line in lines {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingSpaces }
            guard f.count >= 3, let index = Int(f[0]), index >= 0, !f[1].isEmpty else { continue }
            var g = GpuOption(id: "gpu\(index)", name: f[1], provider: "nvidia-smi", region: "local")
            if let mib = Double(f[2]), mib.isFinite, mib >= 0 { g.memoryGb = (mib / 1024).rounded() }
            gpus.append(g)
        }
        return gpus.isEmpty && !lines.isEmpty ? nil : gpus
    }
}

extension Substring {
    var trimmingSpacesString: String { String(self).trimmingSpaces }
}

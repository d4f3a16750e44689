import KV
import KVLMDB
#if canImport(Glibc)
import Glibc
#endif

/// Test-only mode: 8 concurrent writers commit forever; after each acknowledged commit a line
/// `<versionstamp> <writer> <n>` is printed (the value of key ["crash", writer, n] is n). The
/// crash test kills this process with SIGKILL and checks every printed commit is readable.
enum CrashChild {
    static func run(path: String) async {
        let kv: Kv
        do { kv = try Kv.open(path: path) } catch { FileHandleLite.stderr("open failed: \(error)\n"); exit(3) }
        let pid = Int(getpid())
        await withTaskGroup(of: Void.self) { group in
            for w in 0..<8 {
                group.addTask {
                    var n = 0
                    while true {
                        n += 1
                        let key: KvKey = ["crash", .number(Double(pid)), .number(Double(w)), .number(Double(n))]
                        guard let r = try? await kv.atomic().set(key, .number(Double(n))).sum(["crash", "count"], 1).commit(),
                            let vs = r.versionstamp else { continue }
                        writeStdout("\(vs.hex) \(pid) \(w) \(n)")
                    }
                }
            }
        }
    }
}

enum FileHandleLite {
    static func stderr(_ s: String) {
        let b = Array(s.utf8)
        _ = b.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}

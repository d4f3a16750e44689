import EdgeTesting

#if canImport(Glibc)
import Glibc
#endif

typealias TempDirectory = TemporaryDirectory

struct TestError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// Runs `/bin/sh -c command`, returning (status, output).
@discardableResult
func shell(_ command: String) -> (Int32, String) {
    guard let fp = popen(command + " 2>&1", "r") else { return (-1, "") }
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = fread(&buf, 1, buf.count, fp)
        if n <= 0 { break }
        out.append(contentsOf: buf[0..<n])
    }
    let status = pclose(fp)
    return ((status >> 8) & 0xff, String(decoding: out, as: UTF8.self))
}

func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

import EdgeJSON
import KV
import KVLMDB
#if canImport(Glibc)
import Glibc
#endif

/// kv-conformance: speaks the conformance kit's `--cmd` protocol (one JSON request on stdin,
/// `{"results": [...]}` on stdout), plus test-only modes:
///   kv-conformance [--store lmdb|memory|postgres]   run the request on a fresh store of that kind (default lmdb; postgres: on the database KV_URL names)
///   kv-conformance crash-child DIR         commit forever, printing each acknowledged versionstamp and key
func readStdin() -> [UInt8] {
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = read(0, &buf, buf.count)
        if n <= 0 { break }
        out.append(contentsOf: buf[0..<n])
    }
    return out
}

func writeStdout(_ s: String) {
    var bytes = Array(s.utf8)
    bytes.append(10)
    var off = 0
    while off < bytes.count {
        let n = bytes[off...].withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
        if n <= 0 { break }
        off += n
    }
}

let args = CommandLine.arguments
if args.count >= 3 && args[1] == "crash-child" {
    await CrashChild.run(path: args[2])
    exit(0)
}
guard let store = ConformanceStore.parse(Array(args.dropFirst())) else {
    FileHandleLite.stderr("usage: kv-conformance [--store lmdb|memory|postgres] < request.json\n")
    exit(2)
}
do {
    let request = try JSONValue.parseKv(readStdin())
    let runner = try await ConformanceRunner(store: store)
    let results = await runner.run(request["ops"]?.arrayValue ?? [])
    runner.finish()
    writeStdout(JSONValue.object([("results", .array(results))]).text)
} catch {
    FileHandleLite.stderr("kv-conformance: \(error)\n")
    exit(2)
}

import KV
#if canImport(Glibc)
import Glibc
#endif

extension KVCommand {
    /// `edge kv import FILE [--continue]`: JSON lines in the `@deno/kv-utils` form, streamed twice
    /// (standard input is spooled to a temporary file first). The first pass validates every line and
    /// keeps nothing; a bad line aborts before anything is written, naming its line number. The second
    /// pass imports in commits of up to 1000 entries. With `--continue` bad lines are reported, skipped
    /// and counted, and the rest is imported; the exit status is 0 either way once the import ran.
    static func importLines(from file: String, skippingBad: Bool, kv: Kv) async throws -> Int32 {
        let path: String
        var spooled: String?
        if file == "-" {
            guard let temp = spoolStandardInput() else { return fail("cannot spool standard input to a temporary file") }
            path = temp
            spooled = temp
        } else {
            path = file
        }
        defer { if let spooled { unlink(spooled) } }

        printErr("validating \(file == "-" ? "standard input" : file)…\n")
        var valid = 0
        var skipped = 0
        let check = try LineFile(path)
        defer { check.close() }
        while let (number, result) = try check.next() {
            switch result {
            case .success(nil): continue
            case .success: valid += 1
            case .failure(let error):
                guard skippingBad else {
                    return fail("line \(number): \(error.message); nothing was imported (--continue skips bad lines)")
                }
                skipped += 1
                printErr("line \(number): \(error.message) (skipped)\n")
            }
        }

        var batch: [(KvKey, KvValue)] = []
        var imported = 0
        func flush() async throws {
            guard !batch.isEmpty else { return }
            imported += try await kv.importEntries(batch)
            batch.removeAll(keepingCapacity: true)
            printErr("imported \(imported)/\(valid)…\n")
        }
        // Entries are collected synchronously, committed between reads.
        let reader = try LineFile(path)
        defer { reader.close() }
        while let (_, result) = try reader.next() {
            if case .success(let entry?) = result { batch.append(entry) }
            if batch.count == 1000 { try await flush() }
        }
        try await flush()
        printErr("imported \(imported) entries" + (skipped > 0 ? ", skipped \(skipped) bad lines" : "") + "\n")
        return 0
    }

    /// Copies standard input to a temporary file; its path, or nil.
    static func spoolStandardInput() -> String? {
        var template = Array("/tmp/edge-kv-import-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.map { mkstemp($0) } ?? -1 }
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { return n == 0 ? path : nil }
            var offset = 0
            while offset < n {
                let w = buffer[offset..<n].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                if w <= 0 { unlink(path); return nil }
                offset += w
            }
        }
    }
}

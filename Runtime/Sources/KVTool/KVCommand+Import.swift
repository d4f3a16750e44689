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
        let checked = try forEachLine(path) { number, result in
            switch result {
            case .success(nil): return true
            case .success: valid += 1; return true
            case .failure(let error):
                guard skippingBad else { return false }
                skipped += 1
                printErr("line \(number): \(error.message) (skipped)\n")
                return true
            }
        }
        if case .failed(let number, let error) = checked {
            return fail("line \(number): \(error.message); nothing was imported (--continue skips bad lines)")
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

    enum LineCheck {
        case completed
        case failed(line: Int, error: KvError)
    }

    /// Parses every line of `path`, calling `body` with each; stops when it returns false.
    static func forEachLine(_ path: String, _ body: (Int, Result<(KvKey, KvValue)?, KvError>) -> Bool) throws -> LineCheck {
        let reader = try LineFile(path)
        defer { reader.close() }
        while let (number, result) = try reader.next() {
            if !body(number, result), case .failure(let error) = result { return .failed(line: number, error: error) }
        }
        return .completed
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

/// A file read line by line, each line parsed as an export entry.
final class LineFile {
    private let fd: Int32
    private var reader: LineReader

    init(_ path: String) throws {
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw KvError(.io, "cannot open \(path): \(String(cString: strerror(errno)))") }
        reader = LineReader(fd: fd)
    }

    /// The next line's number and entry (nil for a blank line) or error; nil at the end of the file.
    func next() throws -> (Int, Result<(KvKey, KvValue)?, KvError>)? {
        let bytes: [UInt8]
        do {
            guard let line = try reader.next() else { return nil }
            bytes = line
        } catch {
            return (error.line, .failure(KvError(.invalidInput, "longer than \(LineReader.maxLineBytes) bytes")))
        }
        do {
            return (reader.lineNumber, .success(try Kv.parseJSONLine(bytes)))
        } catch {
            return (reader.lineNumber, .failure(error))
        }
    }

    func close() { Glibc.close(fd) }
}

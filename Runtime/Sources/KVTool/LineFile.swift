import KV
#if canImport(Glibc)
import Glibc
#endif

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

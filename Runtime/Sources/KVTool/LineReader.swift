#if canImport(Glibc)
import Glibc
#endif

/// Reads a file descriptor a line at a time through a fixed buffer, so a file of any size is never held
/// in memory: only the current line is (at most ``maxLineBytes``).
struct LineReader {
    /// The longest line accepted (an entry's key and 64 KiB value, JSON-encoded, fit well within it).
    static let maxLineBytes = 4 << 20

    struct TooLong: Error { let line: Int }

    private let fd: Int32
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)
    private var start = 0
    private var end = 0
    private var atEOF = false
    /// The 1-based number of the line last returned.
    private(set) var lineNumber = 0

    init(fd: Int32) { self.fd = fd }

    /// The next line without its `\n`, or nil at the end of the input. A line over ``maxLineBytes`` is
    /// read past (not kept) and reported as ``TooLong``; the next call goes on with the line after it.
    mutating func next() throws(TooLong) -> [UInt8]? {
        var line: [UInt8] = []
        var tooLong = false
        while true {
            if start < end {
                let slice = buffer[start..<end]
                let nl = slice.firstIndex(of: UInt8(ascii: "\n"))
                if !tooLong { line.append(contentsOf: buffer[start..<(nl ?? end)]) }
                if line.count > Self.maxLineBytes { tooLong = true; line = [] }
                if let nl {
                    start = nl + 1
                    lineNumber += 1
                    if tooLong { throw TooLong(line: lineNumber) }
                    return line
                }
                start = end
            }
            if atEOF {
                if line.isEmpty, !tooLong { return nil }
                lineNumber += 1
                if tooLong { throw TooLong(line: lineNumber) }
                return line
            }
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { atEOF = true; continue }
            start = 0
            end = n
        }
    }
}

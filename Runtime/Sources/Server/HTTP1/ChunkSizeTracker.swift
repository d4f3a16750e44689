#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Follows the HTTP/1.1 message framing of a connection's inbound bytes, as NIO's request parser is
/// about to see them, for the one thing that parser does not report: the size each chunk header of a
/// chunked body announces. With it a body announced past its function's limit is refused when the
/// announcement arrives (413), not after the limit's worth of bytes has been read.
///
/// It reads heads line by line (the request line, then `Transfer-Encoding` and `Content-Length`; other
/// lines are skipped with `memchr`), skips `Content-Length` bodies, and walks chunked bodies: size line
/// (extensions ignored), data, CRLF, and the trailer section after the last chunk. Framing it cannot
/// follow (a coding other than `chunked`, a malformed size or length, a header line of interest longer
/// than ``maxKeptLine``) stops it for the rest of the connection: NIO's parser refuses that framing
/// itself, and without this tracker a body is still bounded by its running count.
///
/// Messages are numbered from 0 in the order their heads end, the order in which the parser delivers
/// them.
struct ChunkSizeTracker {
    /// The chunk sizes announced so far by the body of message `message`, summed (saturating).
    struct Announcement: Equatable, Sendable {
        var message: Int
        var total: Int
    }

    enum State: Equatable {
        /// Reading a message head's lines.
        case head
        /// In a `Content-Length` body: bytes left.
        case fixed(Int)
        /// Reading a chunk-size line's digits.
        case chunkSize
        /// The rest of a chunk-size line after its digits (extensions).
        case chunkExtension
        /// In a chunk's data: bytes left.
        case chunkData(Int)
        /// The line break after a chunk's data.
        case chunkDataEnd
        /// The trailer section after the last chunk, up to its empty line.
        case trailers
        /// Framing this tracker does not follow: nothing more is looked at.
        case stopped
    }

    /// Header lines of interest are kept up to this many bytes; a longer one stops the tracker.
    static let maxKeptLine = 128

    private(set) var state = State.head
    /// Heads that have ended: the message being framed is `messages - 1`.
    private(set) var messages = 0
    private var announced = 0

    // The head being read.
    private var sawRequestLine = false
    private var chunked = false
    private var contentLength = 0
    private var unfollowable = false
    /// Bytes of the current line so far, without its line feed (heads and trailers), and the last of them.
    private var lineLength = 0
    private var lastByte: UInt8 = 0
    /// Whether the current head line may name `Transfer-Encoding` or `Content-Length` (its first byte
    /// decides) and so is kept in `line`.
    private var keepLine = false
    private var line: [UInt8] = []

    // The chunk-size line being read.
    private var size = 0
    private var digits = 0

    /// Follows `bytes`, appending to `announcements` each chunk header's running total.
    mutating func scan(_ bytes: UnsafeRawBufferPointer, into announcements: inout [Announcement]) {
        guard let base = bytes.baseAddress else { return }
        let count = bytes.count
        var i = 0
        while i < count {
            switch state {
            case .stopped:
                return
            case .head:
                i = readHeadLine(base, from: i, count: count)
            case .fixed(let left):
                let take = min(left, count - i)
                i += take
                state = take == left ? .head : .fixed(left - take)
            case .chunkSize:
                let byte = base.load(fromByteOffset: i, as: UInt8.self)
                i += 1
                if let value = Self.hexValue(byte) {
                    // More than 15 hex digits is past any limit; NIO's parser refuses past 16.
                    size = digits >= 15 ? Int.max : size << 4 | value
                    digits += 1
                } else if byte == UInt8(ascii: ";") || byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                    state = digits == 0 ? .stopped : .chunkExtension
                } else if byte == UInt8(ascii: "\r") {
                    continue
                } else if byte == UInt8(ascii: "\n") {
                    endChunkSizeLine(into: &announcements)
                } else {
                    state = .stopped
                }
            case .chunkExtension:
                guard let lf = Self.lineFeed(base, from: i, count: count) else { return }
                i = lf + 1
                endChunkSizeLine(into: &announcements)
            case .chunkData(let left):
                let take = min(left, count - i)
                i += take
                state = take == left ? .chunkDataEnd : .chunkData(left - take)
            case .chunkDataEnd:
                let byte = base.load(fromByteOffset: i, as: UInt8.self)
                i += 1
                if byte == UInt8(ascii: "\n") {
                    state = .chunkSize
                } else if byte != UInt8(ascii: "\r") {
                    state = .stopped
                }
            case .trailers:
                let lf = Self.lineFeed(base, from: i, count: count)
                let end = lf ?? count
                if end > i {
                    lineLength += end - i
                    lastByte = base.load(fromByteOffset: end - 1, as: UInt8.self)
                }
                guard let lf else { return }
                i = lf + 1
                // The empty line (a bare CRLF) ends the trailers and the message.
                if lineLength == 0 || (lineLength == 1 && lastByte == UInt8(ascii: "\r")) { state = .head }
                lineLength = 0
            }
        }
    }

    /// Reads head bytes from `i` up to the end of the current line (or of `count`); returns where it
    /// stopped.
    private mutating func readHeadLine(_ base: UnsafeRawPointer, from i: Int, count: Int) -> Int {
        if lineLength == 0, line.isEmpty {
            let first = base.load(fromByteOffset: i, as: UInt8.self) | 0x20
            keepLine = sawRequestLine && (first == UInt8(ascii: "t") || first == UInt8(ascii: "c"))
        }
        let lf = Self.lineFeed(base, from: i, count: count)
        let end = lf ?? count
        if keepLine, line.count < Self.maxKeptLine {
            let take = min(end - i, Self.maxKeptLine - line.count)
            line.append(contentsOf: UnsafeRawBufferPointer(start: base + i, count: take))
        }
        if end > i {
            lineLength += end - i
            lastByte = base.load(fromByteOffset: end - 1, as: UInt8.self)
        }
        guard let lf else { return count }
        endHeadLine()
        return lf + 1
    }

    private mutating func endHeadLine() {
        let length = lineLength > 0 && lastByte == UInt8(ascii: "\r") ? lineLength - 1 : lineLength
        defer {
            lineLength = 0
            line.removeAll(keepingCapacity: true)
            keepLine = false
        }
        if length == 0 {
            // Empty lines before a request line are skipped (RFC 9112 §2.2); after the headers, the head ends.
            if sawRequestLine { endHead() }
            return
        }
        guard sawRequestLine else {
            sawRequestLine = true
            return
        }
        guard keepLine, let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return }
        let name = line[..<colon]
        let isCoding = Self.equalsIgnoringCase(name, "transfer-encoding")
        let isLength = !isCoding && Self.equalsIgnoringCase(name, "content-length")
        guard isCoding || isLength else { return }
        if length > Self.maxKeptLine {
            unfollowable = true
            return
        }
        var value = line[(colon + 1)..<min(line.count, length)]
        while let b = value.first, b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") { value = value.dropFirst() }
        while let b = value.last, b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") { value = value.dropLast() }
        if isCoding {
            if Self.equalsIgnoringCase(value, "chunked"), !chunked { chunked = true } else { unfollowable = true }
        } else {
            var n = 0
            for b in value {
                guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9"), n < Int.max / 10 - 9 else { unfollowable = true; return }
                n = n * 10 + Int(b - UInt8(ascii: "0"))
            }
            if value.isEmpty || (contentLength != 0 && contentLength != n) { unfollowable = true }
            contentLength = n
        }
    }

    private mutating func endHead() {
        messages += 1
        announced = 0
        if unfollowable {
            state = .stopped
        } else if chunked {
            state = .chunkSize
            size = 0
            digits = 0
        } else if contentLength > 0 {
            state = .fixed(contentLength)
        } else {
            state = .head
        }
        sawRequestLine = false
        chunked = false
        contentLength = 0
    }

    private mutating func endChunkSizeLine(into announcements: inout [Announcement]) {
        guard digits > 0 else { state = .stopped; return }
        if size == 0 {
            state = .trailers
            lineLength = 0
            return
        }
        let (sum, overflow) = announced.addingReportingOverflow(size)
        announced = overflow ? Int.max : sum
        announcements.append(Announcement(message: messages - 1, total: announced))
        state = .chunkData(size)
        size = 0
        digits = 0
    }

    private static func lineFeed(_ base: UnsafeRawPointer, from i: Int, count: Int) -> Int? {
        guard let found = memchr(base + i, Int32(UInt8(ascii: "\n")), count - i) else { return nil }
        return base.distance(to: UnsafeRawPointer(found))
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    private static func equalsIgnoringCase(_ bytes: ArraySlice<UInt8>, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        let expected = UnsafeBufferPointer(start: lowercase.utf8Start, count: lowercase.utf8CodeUnitCount)
        return zip(bytes, expected).allSatisfy { a, b in
            let lower = a >= UInt8(ascii: "A") && a <= UInt8(ascii: "Z") ? a | 0x20 : a
            return lower == b
        }
    }
}

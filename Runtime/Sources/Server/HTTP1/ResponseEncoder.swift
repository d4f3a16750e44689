import HTTPTypes
import NIOCore

/// HTTP/1.1 response framing, written straight into one buffer: a response with a known body goes out
/// as a single write (head and body together), without NIO's encoder and its conversion of the
/// header fields into `HTTPHeaders`.
///
/// Field names and values come from `HTTPFields`, which validated them when they were set, so they are
/// copied as they are. Which framing a response gets is ``HTTP1Responder``'s decision; the framing fields
/// it decides are written here, so a response's fields are never copied to be edited on the way out.
enum ResponseEncoder {
    /// What framing needs from a response's own fields, and an upper bound of the head's size, read in
    /// one pass (the response's fields are read in place, never copied to be edited).
    struct Scan {
        /// Bytes of the status line, every field of the response's own and the blank line.
        var size = 0
        /// A `connection` field lists `close`.
        var close = false
        /// The `content-length` values, joined with ", " as `HTTPFields`' subscript joins them.
        var contentLength: String?
    }

    /// The framing fields the server decides (RFC 9112 §6): the response's own `transfer-encoding` never
    /// goes out, its `content-length` and `connection` only when the server has none of its own to send.
    struct Framing {
        /// Sent as `content-length` in place of the response's own.
        var contentLength: Int?
        /// Leave the response's own `content-length` out without sending another (1xx, 204).
        var dropContentLength = false
        /// Send `transfer-encoding: chunked`.
        var chunked = false
        /// Sent as `connection` in place of the response's own.
        var connection: StaticString?

        /// The head as the response's fields give it (but for a `transfer-encoding`, which never goes
        /// out): for heads that are not a response's framing (100 Continue, the refusal of a connection
        /// over the limit).
        static let asGiven = Framing()
    }

    static func scan(status: HTTPResponse.Status, fields: HTTPFields) -> Scan {
        var scan = Scan()
        scan.size = 9 + 3 + 1 + status.reasonPhrase.utf8.count + 2 + 2  // "HTTP/1.1 " code " " reason CRLF ... CRLF
        for field in fields {
            scan.size += field.name.rawName.utf8.count + 2 + field.value.utf8.count + 2
            switch Self.framingName(field.name) {
            case .connection: if !scan.close, HTTP1Responder.says(close: field.value) { scan.close = true }
            case .contentLength: scan.contentLength = scan.contentLength.map { "\($0), \(field.value)" } ?? field.value
            case .transferEncoding, nil: break
            }
        }
        return scan
    }

    private enum FramingName { case connection, contentLength, transferEncoding }

    /// Which framing field `name` is, if any; compared only when the length matches one of them.
    private static func framingName(_ name: HTTPField.Name) -> FramingName? {
        let canonical = name.canonicalName
        switch canonical.utf8.count {
        case 10: return canonical == "connection" ? .connection : nil
        case 14: return canonical == "content-length" ? .contentLength : nil
        case 17: return canonical == "transfer-encoding" ? .transferEncoding : nil
        default: return nil
        }
    }

    /// ``writeHead(status:fields:scan:framing:into:)`` for a head sent as its fields give it.
    static func writeHead(status: HTTPResponse.Status, fields: HTTPFields, into buffer: inout ByteBuffer) {
        writeHead(status: status, fields: fields, scan: scan(status: status, fields: fields), framing: .asGiven, into: &buffer)
    }

    /// The status line and the header fields, ending with the blank line, with the server's framing
    /// fields last: measured first (`scan`), then copied into the buffer's storage in one write (a write
    /// per piece costs a capacity check and index bookkeeping each, ~20 of them for a small response).
    static func writeHead(status: HTTPResponse.Status, fields: HTTPFields, scan: Scan, framing: Framing, into buffer: inout ByteBuffer) {
        let reason = status.reasonPhrase
        let code = status.code
        var size = scan.size
        if framing.contentLength != nil { size += 14 + 2 + 20 + 2 }
        if framing.chunked { size += 17 + 2 + 7 + 2 }
        if let connection = framing.connection { size += 10 + 2 + connection.utf8CodeUnitCount + 2 }
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { out in
            var at = 0
            func put(_ byte: UInt8) { out[at] = byte; at += 1 }
            func put(_ text: String) {
                var text = text
                text.withUTF8 { bytes in
                    guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
                    (out.baseAddress! + at).copyMemory(from: base, byteCount: bytes.count)
                    at += bytes.count
                }
            }
            func put(_ text: StaticString) {
                (out.baseAddress! + at).copyMemory(from: text.utf8Start, byteCount: text.utf8CodeUnitCount)
                at += text.utf8CodeUnitCount
            }
            put("HTTP/1.1 " as StaticString)
            put(UInt8(truncatingIfNeeded: 0x30 + code / 100))
            put(UInt8(truncatingIfNeeded: 0x30 + (code / 10) % 10))
            put(UInt8(truncatingIfNeeded: 0x30 + code % 10))
            put(UInt8(ascii: " "))
            put(reason)
            put("\r\n" as StaticString)
            for field in fields {
                switch Self.framingName(field.name) {
                case .transferEncoding: continue
                case .contentLength where framing.contentLength != nil || framing.dropContentLength: continue
                case .connection where framing.connection != nil: continue
                default: break
                }
                put(field.name.rawName)
                put(": " as StaticString)
                put(field.value)
                put("\r\n" as StaticString)
            }
            if let length = framing.contentLength {
                put("Content-Length: " as StaticString)
                var digits = 1, rest = length
                while rest >= 10 { rest /= 10; digits += 1 }
                var n = length
                for i in stride(from: digits - 1, through: 0, by: -1) {
                    out[at + i] = UInt8(truncatingIfNeeded: 0x30 + n % 10)
                    n /= 10
                }
                at += digits
                put("\r\n" as StaticString)
            }
            if framing.chunked { put("Transfer-Encoding: chunked\r\n" as StaticString) }
            if let connection = framing.connection {
                put("Connection: " as StaticString)
                put(connection)
                put("\r\n" as StaticString)
            }
            put("\r\n" as StaticString)
            return at
        }
    }

    /// One chunk of a chunked body: its size in hex, the bytes, CRLF.
    static func writeChunk(_ bytes: [UInt8], into buffer: inout ByteBuffer) {
        buffer.writeString(String(bytes.count, radix: 16))
        buffer.writeStaticString("\r\n")
        buffer.writeBytes(bytes)
        buffer.writeStaticString("\r\n")
    }

    /// The last chunk of a chunked body.
    static func writeLastChunk(into buffer: inout ByteBuffer) {
        buffer.writeStaticString("0\r\n\r\n")
    }
}

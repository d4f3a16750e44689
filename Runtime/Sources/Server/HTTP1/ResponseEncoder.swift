import HTTPTypes
import NIOCore

/// HTTP/1.1 response framing, written straight into one buffer: a response with a known body goes out
/// as a single write (head and body together), without NIO's encoder and its conversion of the
/// header fields into `HTTPHeaders`.
///
/// Field names and values come from `HTTPFields`, which validated them when they were set, so they are
/// copied as they are. Which framing a response gets is ``HTTP1Responder``'s decision.
enum ResponseEncoder {
    /// The status line and the header fields, ending with the blank line: measured first, then copied
    /// into the buffer's storage in one write (a write per piece costs a capacity check and index
    /// bookkeeping each, ~20 of them for a small response).
    static func writeHead(status: HTTPResponse.Status, fields: HTTPFields, into buffer: inout ByteBuffer) {
        let reason = status.reasonPhrase
        var size = 9 + 3 + 1 + reason.utf8.count + 2 + 2  // "HTTP/1.1 " code " " reason CRLF ... CRLF
        for field in fields { size += field.name.rawName.utf8.count + 2 + field.value.utf8.count + 2 }
        let code = status.code
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
            for b in "HTTP/1.1 ".utf8 { put(b) }
            put(UInt8(truncatingIfNeeded: 0x30 + code / 100))
            put(UInt8(truncatingIfNeeded: 0x30 + (code / 10) % 10))
            put(UInt8(truncatingIfNeeded: 0x30 + code % 10))
            put(UInt8(ascii: " "))
            put(reason)
            put(UInt8(ascii: "\r")); put(UInt8(ascii: "\n"))
            for field in fields {
                put(field.name.rawName)
                put(UInt8(ascii: ":")); put(UInt8(ascii: " "))
                put(field.value)
                put(UInt8(ascii: "\r")); put(UInt8(ascii: "\n"))
            }
            put(UInt8(ascii: "\r")); put(UInt8(ascii: "\n"))
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

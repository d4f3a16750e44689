import HTTPTypes
import NIOCore

/// HTTP/1.1 response framing, written straight into one buffer: a response with a known body goes out
/// as a single write (head and body together), without NIO's encoder and its conversion of the
/// header fields into `HTTPHeaders`.
///
/// Field names and values come from `HTTPFields`, which validated them when they were set, so they are
/// copied as they are. Which framing a response gets is ``HTTP1Responder``'s decision.
enum ResponseEncoder {
    /// The status line and the header fields, ending with the blank line.
    static func writeHead(status: HTTPResponse.Status, fields: HTTPFields, into buffer: inout ByteBuffer) {
        buffer.writeStaticString("HTTP/1.1 ")
        let code = status.code
        buffer.writeInteger(UInt8(truncatingIfNeeded: 0x30 + code / 100))
        buffer.writeInteger(UInt8(truncatingIfNeeded: 0x30 + (code / 10) % 10))
        buffer.writeInteger(UInt8(truncatingIfNeeded: 0x30 + code % 10))
        buffer.writeInteger(UInt8(ascii: " "))
        buffer.writeString(status.reasonPhrase)
        buffer.writeStaticString("\r\n")
        for field in fields {
            buffer.writeString(field.name.rawName)
            buffer.writeStaticString(": ")
            buffer.writeString(field.value)
            buffer.writeStaticString("\r\n")
        }
        buffer.writeStaticString("\r\n")
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

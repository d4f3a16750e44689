import HTTPTypes
import NIOHTTP1
import NIOHTTPTypesHTTP1

/// NIO's parsed request head as a ``RequestHead`` with exactly the members of
/// `HTTPRequest(_:secure: false, splitCookie: false)` from NIOHTTPTypesHTTP1, at a fraction of its cost
/// on the common input (this runs once per request):
/// - An origin-form target (`/path?query`, every request but CONNECT's and absolute-form ones) is the
///   path as it is. The library parses every target with `URLComponents` (~2,900 instructions) and
///   keeps it unchanged when it has no scheme, which a target starting with `/` never has; a target
///   that is not a legal field value (which the library would rewrite) and other forms go through the
///   library.
/// - The first `Host` field becomes the authority and leaves the fields, found without lowercasing a
///   copy of each name.
enum RequestHeadConversion {
    static func request(_ head: HTTPRequestHead) throws -> RequestHead {
        guard head.uri.utf8.first == UInt8(ascii: "/"), isLegalFieldValue(head.uri) else {
            return RequestHead(try HTTPRequest(head, secure: false, splitCookie: false))
        }
        let method = try HTTPRequest.Method(head.method)
        var authority: String?
        var fields = HTTPFields()
        fields.reserveCapacity(head.headers.count)
        var firstHost = true
        for field in head.headers {
            if firstHost, isHost(field.name) {
                firstHost = false
                authority = field.value
                continue
            }
            if let name = knownName(field.name) ?? HTTPField.Name(field.name) {
                fields.append(HTTPField(name: name, value: field.value))
            }
        }
        return RequestHead(method: method, path: head.uri, authority: authority, headerFields: fields)
    }

    /// RFC 9110's field value: no control character but HTAB, and no leading or trailing space or HTAB
    /// (what swift-http-types keeps as it is; it rewrites anything else).
    static func isLegalFieldValue(_ value: String) -> Bool {
        var value = value
        return value.withUTF8 { bytes in
            for (i, b) in bytes.enumerated() {
                switch b {
                case 0x21...0x7E, 0x80...0xFF: continue
                case 0x09, 0x20: if i == 0 || i == bytes.count - 1 { return false }
                default: return false
                }
            }
            return true
        }
    }

    /// `name` is `host` in any case.
    static func isHost(_ name: String) -> Bool { equalsIgnoringCase(name, lowercase: "host") }

    /// The library's constant for a name clients commonly send, when `name` is spelled exactly as that
    /// constant's raw name (as HTTP/1.1 clients capitalise them): the same name `HTTPField.Name(name)` gives,
    /// without its validation scan and lowercased copy (~200 instructions per field).
    static func knownName(_ name: String) -> HTTPField.Name? {
        switch name.utf8.count {
        case 6: return name == "Accept" ? .accept : name == "Cookie" ? .cookie : name == "Origin" ? .origin : nil
        case 7: return name == "Referer" ? .referer : nil
        case 10: return name == "User-Agent" ? .userAgent : name == "Connection" ? .connection : nil
        case 12: return name == "Content-Type" ? .contentType : nil
        case 13: return name == "Authorization" ? .authorization : name == "Cache-Control" ? .cacheControl : nil
        case 14: return name == "Content-Length" ? .contentLength : nil
        case 15: return name == "Accept-Encoding" ? .acceptEncoding : name == "Accept-Language" ? .acceptLanguage : nil
        default: return nil
        }
    }

    /// `name` equals `lowercase` (a lower-case token) in any case, compared by byte without a lowercased
    /// copy: a byte matches its expected byte, or that byte's upper case where the expected byte is a letter.
    static func equalsIgnoringCase(_ name: String, lowercase: StaticString) -> Bool {
        let count = lowercase.utf8CodeUnitCount
        guard name.utf8.count == count else { return false }
        let expected = UnsafeBufferPointer(start: lowercase.utf8Start, count: count)
        func same(_ b: UInt8, _ e: UInt8) -> Bool { b == e || (b | 0x20 == e && e &- UInt8(ascii: "a") < 26) }
        return name.utf8.withContiguousStorageIfAvailable { bytes in
            for i in 0..<count where !same(bytes[i], expected[i]) { return false }
            return true
        } ?? zip(name.utf8, expected).allSatisfy(same)
    }
}

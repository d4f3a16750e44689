import HTTPTypes
import NIOHTTP1
import NIOHTTPTypesHTTP1

/// NIO's parsed request head as swift-http-types' `HTTPRequest`, with exactly the result of
/// `HTTPRequest(_:secure: false, splitCookie: false)` from NIOHTTPTypesHTTP1, at a fraction of its cost
/// on the common input (this runs once per request):
/// - An origin-form target (`/path?query`, every request but CONNECT's and absolute-form ones) is the
///   path as it is. The library parses every target with `URLComponents` (~2,900 instructions) and
///   keeps it unchanged when it has no scheme, which a target starting with `/` never has. Other
///   targets go through the library.
/// - The first `Host` field becomes the authority and leaves the fields, found without lowercasing a
///   copy of each name.
enum RequestHeadConversion {
    static func request(_ head: HTTPRequestHead) throws -> HTTPRequest {
        guard head.uri.utf8.first == UInt8(ascii: "/") else {
            return try HTTPRequest(head, secure: false, splitCookie: false)
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
            if let name = HTTPField.Name(field.name) {
                fields.append(HTTPField(name: name, value: field.value))
            }
        }
        return HTTPRequest(method: method, scheme: "http", authority: authority, path: head.uri, headerFields: fields)
    }

    /// `name` is `host` in any case.
    static func isHost(_ name: String) -> Bool {
        guard name.utf8.count == 4 else { return false }
        var utf8 = name.utf8.makeIterator()
        for expected in "host".utf8 {
            guard let b = utf8.next(), b | 0x20 == expected else { return false }
        }
        return true
    }
}

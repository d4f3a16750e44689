/// Pre-encoded response heads and bodies. The hello answer carries the fields Deno.serve sends
/// (content-type, content-length, date; edge sends x-request-id instead of date).
struct Answers {
    private(set) var hello: [UInt8] = []
    private(set) var notFound: [UInt8] = []
    private var date = HTTPDate()

    init() { refresh(force: true) }

    mutating func refresh(force: Bool = false) {
        guard date.refresh() || force else { return }
        hello = Self.encode(status: "200 OK", body: Array("Hello, world!".utf8), date: date.bytes)
        notFound = Self.encode(status: "404 Not Found", body: Array(#"{"error":"not_found"}"#.utf8), date: date.bytes,
                               type: "application/json")
    }

    /// A refusal that closes the connection.
    static func refusal(_ error: HeadError) -> [UInt8] {
        let status: String
        switch error {
        case .badRequest: status = "400 Bad Request"
        case .tooLarge: status = "431 Request Header Fields Too Large"
        case .unsupported: status = "501 Not Implemented"
        }
        return Array("HTTP/1.1 \(status)\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".utf8)
    }

    static func encode(status: String, body: [UInt8], date: [UInt8], type: String = "text/plain; charset=utf-8") -> [UInt8] {
        var out = Array("HTTP/1.1 \(status)\r\ncontent-type: \(type)\r\ncontent-length: \(body.count)\r\ndate: ".utf8)
        out += date
        out += Array("\r\n\r\n".utf8)
        return out + body
    }

    /// A response a task-mode handler built, encoded after the loop's date.
    func encode(_ response: Response, into out: inout ByteQueue) {
        out.append("HTTP/1.1 ")
        out.appendDecimal(response.status)
        out.append(response.status == 200 ? " OK\r\n" : " Not Found\r\n")
        for (name, value) in response.fields {
            out.append(name); out.append(": "); out.append(value); out.append("\r\n")
        }
        out.append("content-length: ")
        out.appendDecimal(response.body.count)
        out.append("\r\ndate: ")
        date.bytes.withUnsafeBytes { out.append($0) }
        out.append("\r\n\r\n")
        response.body.withUnsafeBytes { out.append($0) }
    }
}

/// What a task-mode handler sees and returns: strings and arrays, as a handler API would offer.
struct Request: Sendable {
    var method: String
    var path: String
    var fields: [(String, String)]
    var body: [UInt8]
}

struct Response: Sendable {
    var status: Int
    var fields: [(String, String)]
    var body: [UInt8]
}

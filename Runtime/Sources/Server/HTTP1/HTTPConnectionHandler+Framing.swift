import EdgeRuntime
import NIOCore
import NIOHTTP1

/// The request framing this engine refuses beyond what NIO's parser refuses, and how a framing error
/// inside a body reaches the handler reading it.
extension HTTPConnectionHandler {
    /// Why a parsed head cannot be served (answered with 400 `malformed_request`, then the connection
    /// closes), or nil when it can:
    /// - HTTP/0.9 (a request line without a version) has no headers and no framing to answer in.
    /// - HTTP/1.1 needs exactly one `Host` (RFC 9112 §3.2); HTTP/1.0 may omit it, but not repeat it.
    /// - `Transfer-Encoding` other than exactly `chunked`: we decode no other coding (`gzip, chunked`
    ///   included), and a body framed by one we can't decode has no length we could trust
    ///   (RFC 9112 §6.1).
    static func framingProblem(_ head: HTTPRequestHead) -> String? {
        if head.version.major < 1 { return "HTTP/0.9 is not supported" }
        var hosts = 0
        var transferCoding: String?
        for (name, value) in head.headers {
            if RequestHeadConversion.isHost(name) {
                hosts += 1
            } else if RequestHeadConversion.equalsIgnoringCase(name, lowercase: "transfer-encoding") {
                transferCoding = transferCoding.map { "\($0), \(value)" } ?? value
            }
        }
        if hosts > 1 { return "A request must carry one Host header, not \(hosts)" }
        if hosts == 0, head.version.major == 1, head.version.minor >= 1 { return "An HTTP/1.1 request must carry a Host header" }
        if let transferCoding, transferCoding.trimmingSpaces.lowercased() != "chunked" {
            return "Transfer-Encoding \(transferCoding) is not supported: only chunked"
        }
        return nil
    }

    /// A body whose framing broke mid-way (a chunk size that is not hex, or too large): the client's
    /// fault, answered with 400 `invalid_body` if the handler lets the error through.
    static func invalidBody(_ error: any Error) -> HTTPError {
        HTTPError(.badRequest, code: "invalid_body", message: "The request body is not validly framed: \(error)", headers: [.connection: "close"])
    }

    /// NIO's parser error in a few words.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? HTTPParserError else { return "The request is not valid HTTP/1.1" }
        return "The request is not valid HTTP/1.1 (\(error))"
    }
}

/// An error a handler throws to answer with a specific status and the JSON error envelope.
///
/// The envelope (`CONTRACTS.md` §0.4) is `{"error", "code", "message", "requestId", "details"}`:
/// `error` is the app's native error text (defaults to `message`), `code` a snake_case machine code.
public struct HTTPError: Error, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    /// The app's native `error` value; `message` when nil.
    public var error: String?
    public var details: [String: JSONValue]
    public var headers: HTTPFields

    public init(
        _ status: HTTPResponse.Status,
        code: String? = nil,
        message: String? = nil,
        error: String? = nil,
        details: [String: JSONValue] = [:],
        headers: HTTPFields = [:]
    ) {
        self.status = status
        self.code = code ?? HTTPError.defaultCode(for: status)
        self.message = message ?? status.reasonPhrase
        self.error = error
        self.details = details
        self.headers = headers
    }

    /// The snake_case code used when none is given.
    public static func defaultCode(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400: return "bad_request"
        case 401: return "unauthorized"
        case 403: return "forbidden"
        case 404: return "not_found"
        case 405: return "method_not_allowed"
        case 408: return "request_timeout"
        case 409: return "conflict"
        case 413: return "payload_too_large"
        case 415: return "unsupported_media_type"
        case 422: return "unprocessable_entity"
        case 429: return "rate_limit_exceeded"
        case 500: return "internal_error"
        case 501: return "not_implemented"
        case 502: return "upstream_error"
        case 503: return "service_unavailable"
        case 504: return "upstream_timeout"
        default:
            return status.reasonPhrase.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).joined(separator: "_")
        }
    }

    /// The envelope as a JSON response.
    public func response(requestId: String) -> Response {
        let body: [String: JSONValue] = [
            "error": .string(error ?? message),
            "code": .string(code),
            "message": .string(message),
            "requestId": .string(requestId),
            "details": .object(details),
        ]
        var response = Response.json(JSONValue.object(body), status: status)
        for field in headers { response.headers.append(field) }
        return response
    }
}

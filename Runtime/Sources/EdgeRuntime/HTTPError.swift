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
    /// Members beside the envelope's own (000's tip-menu 502 carries `"ok": false`); they never replace
    /// an envelope member.
    public var extra: [String: JSONValue]
    /// Members whose values are JSON text already, spliced in byte for byte after the others (a stored
    /// document echoed back unchanged, e.g. 000's 409 with the newer `state`). Each must be valid JSON.
    public var rawMembers: [(name: String, json: [UInt8])]

    public init(
        _ status: HTTPResponse.Status,
        code: String? = nil,
        message: String? = nil,
        error: String? = nil,
        details: [String: JSONValue] = [:],
        headers: HTTPFields = [:],
        extra: [String: JSONValue] = [:],
        rawMembers: [(name: String, json: [UInt8])] = []
    ) {
        self.status = status
        self.code = code ?? HTTPError.defaultCode(for: status)
        self.message = message ?? status.reasonPhrase
        self.error = error
        self.details = details
        self.headers = headers
        self.extra = extra
        self.rawMembers = rawMembers
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

    /// The envelope as a JSON response. Apps render errors through their ``ErrorShape``, which fills
    /// in a native `error` text first.
    public func response(requestId: String) -> Response {
        var body: JSONObject = [
            "error": .string(error ?? message), "code": .string(code), "message": .string(message),
            "requestId": .string(requestId), "details": .object(JSONObject(details)),
        ]
        for (name, value) in extra.sorted(by: { $0.key < $1.key }) where body[name] == nil { body[name] = value }
        let bytes = JSONValue.serializedObject(body, rawMembers: rawMembers)
        var response = Response.jsonBytes(bytes, status: status)
        for field in headers { response.headers.append(field) }
        return response
    }
}

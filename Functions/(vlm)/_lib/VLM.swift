import EdgeRuntime

/// Shared rules of the VLM app's routes (seed 004, CONTRACTS §5): its errors with their native `error`
/// texts, JSON bodies, prompt ids and client addresses. CORS, credentials and the envelope are the
/// app's declaration (`VLMApp`).
enum VLM {
    /// 004's body limit (CONTRACTS §0.5: images up to 10 MiB).
    static let maxBodyBytes = 10 * 1024 * 1024

    // MARK: errors

    /// An envelope error with 004's native `error` text.
    static func error(_ status: HTTPResponse.Status, _ native: String, code: String? = nil, message: String? = nil,
                      details: [String: JSONValue] = [:]) -> HTTPError {
        HTTPError(status, code: code, message: message ?? native, error: native, details: details)
    }

    static func unauthorized() -> HTTPError { error(.unauthorized, "Unauthorized", code: "unauthorized") }
    static func notFound(_ text: String = "Not found") -> HTTPError { error(.notFound, text, code: "not_found") }
    static func invalidJSON(_ message: String = "Malformed JSON body") -> HTTPError {
        error(.badRequest, "Invalid JSON", code: "invalid_json", message: message)
    }
    static func invalidField(_ name: String) -> HTTPError {
        error(.badRequest, "Invalid field: \(name)", code: "invalid_request")
    }
    static func tooLong(_ name: String) -> HTTPError {
        error(.contentTooLarge, "Field too long: \(name)", code: "payload_too_large")
    }

    // MARK: bodies

    /// The body parsed as JSON whatever the Content-Type (§0.5); must be an object.
    static func jsonObject(_ request: Request) async throws -> JSONObject {
        let bytes = try await request.bytes()
        let value: JSONValue
        do { value = try JSON.decode(JSONValue.self, from: bytes) } catch let e as HTTPError where e.code == "invalid_json" {
            throw invalidJSON(e.message)
        }
        guard case .object(let o) = value else { throw invalidJSON("The body must be a JSON object") }
        return o
    }

    /// JavaScript `parseInt` on a query value (leading integer, else nil).
    static func parseInt(_ s: String?) -> Int? {
        guard let s else { return nil }
        var t = Substring(s.trimmingSpaces)
        var negative = false
        if let f = t.first, f == "-" || f == "+" { negative = f == "-"; t = t.dropFirst() }
        let digits = t.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let n = Int(digits.prefix(15)) else { return nil }
        return negative ? -n : n
    }

    /// A route id: digits only, 1 ... 2^53; anything else is a missing prompt (404 "Not found").
    static func promptId(_ raw: String?) -> Int? {
        guard let raw, !raw.isEmpty, raw.count <= 16, raw.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
              let n = Int(raw), n >= 1, n <= 9_007_199_254_740_991 else { return nil }
        return n
    }

    /// Client address for rate limiting: the runtime's `clientAddress` (the TCP peer, or the forwarded
    /// address when `TRUST_PROXY=1`); for in-process calls the first `x-forwarded-for` hop, `x-real-ip`,
    /// else `unknown`.
    static func clientIP(_ request: Request) -> String {
        if let peer = request.clientAddress, !peer.isEmpty { return peer }
        if let xff = request.headers[HTTPField.Name("x-forwarded-for")!],
           let first = xff.split(separator: ",").first.map({ String($0).trimmingSpaces }), !first.isEmpty {
            return String(first.prefix(64))
        }
        if let real = request.headers[HTTPField.Name("x-real-ip")!], !real.isEmpty { return String(real.prefix(64)) }
        return "unknown"
    }
}


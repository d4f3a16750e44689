import EdgeRuntime

/// The provider call (CONTRACTS §2.3): `POST <base>/v1/chat/completions` with `Content-Type:
/// application/json`, `Authorization: Bearer <key>` when a key is set, then `PROVIDER_HEADERS_JSON`.
/// Connect timeout 10 s, first byte `UPSTREAM_FIRST_BYTE_TIMEOUT_SEC` (504 `upstream_timeout`), then no
/// limit while bytes flow. Unreachable: 502 `upstream_error`. Cancelling the caller aborts the transfer.
/// Redirects are refused (502 `upstream_error`), never followed: the proxy only ever calls the configured
/// provider, and a `3xx` is no completion either (as a success it would reach the client as a 200).
enum ChatUpstream {
    static func send(_ body: [UInt8], stream: Bool, config: ChatConfig, context: Context,
                     firstByte: Duration? = nil) async throws -> FetchResponse {
        var headers: FetchHeaders = ["Content-Type": "application/json"]
        if let key = config.apiKey { headers.append(name: "Authorization", value: "Bearer \(key)") }
        if stream { headers.append(name: "Accept", value: "text/event-stream") }
        for (name, value) in config.extraHeaders {
            headers.remove(name)
            headers.append(name: name, value: value)
        }
        let request = FetchRequest(
            url: config.completionsURL, method: "POST", headers: headers, body: .bytes(body),
            timeouts: FetchTimeouts(connect: .seconds(ChatLimits.connectTimeoutSeconds), firstByte: firstByte ?? config.firstByteTimeout),
            redirect: .error)
        do {
            return try await context.fetch(request)
        } catch {
            throw ChatError.upstream(error)
        }
    }

    /// The whole upstream body (502/504 when it fails half-way).
    static func collect(_ upstream: FetchResponse) async throws -> [UInt8] {
        do { return try await upstream.body.bytes(upTo: ChatLimits.maxUpstreamBodyBytes) } catch { throw ChatError.upstream(error) }
    }

    /// An upstream error answer (status >= 400) as 001 forwards it: the same status with the provider's
    /// JSON body byte for byte, or `{"error":"upstream_error","message":"<upstream text>"}` when the body
    /// is not JSON.
    static func forwardError(_ upstream: FetchResponse) async throws -> Response {
        let bytes = try await collect(upstream)
        let status = HTTPResponse.Status(code: upstream.status)
        if (try? JSONValue.parse(bytes)) != nil { return .jsonBytes(bytes, status: status) }
        let text = String(decoding: bytes.prefix(4096), as: UTF8.self)
        return .json(["error": "upstream_error", "message": .string(text)], status: status)
    }

    /// `json` (an object's text) with `"name": value` appended as its last member, every other byte
    /// unchanged; nil when `json` is not an object.
    static func appendingMember(_ name: String, _ value: JSONValue, to json: [UInt8]) -> [UInt8]? {
        guard case .object(let o)? = try? JSONValue.parse(json),
              let close = json.lastIndex(where: { !($0 == 32 || $0 == 9 || $0 == 10 || $0 == 13) }),
              json[close] == UInt8(ascii: "}") else { return nil }
        var out = Array(json[..<close])
        if !o.isEmpty { out.append(UInt8(ascii: ",")) }
        out.append(contentsOf: JSONValue.string(name).serialized)
        out.append(UInt8(ascii: ":"))
        out.append(contentsOf: value.serialized)
        out.append(UInt8(ascii: "}"))
        return out
    }
}

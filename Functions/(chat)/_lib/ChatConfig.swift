import EdgeRuntime

/// The chat app's settings, read from its scoped environment (CONTRACTS §2.1).
struct ChatConfig: Sendable {
    /// `PROVIDER_BASE_URL`, else `OPENAI_BASE_URL`, else `https://api.openai.com/v1`; trailing slashes
    /// and then one trailing `/v1` are removed, so `completionsURL` is `<base>/v1/chat/completions`.
    let baseURL: String
    /// `PROVIDER_API_KEY`, else `OPENAI_API_KEY`; nil when neither is set (then no `Authorization` is sent).
    let apiKey: String?
    /// `PROVIDER_HEADERS_JSON`: a JSON object of string (or number/bool) values sent upstream after the
    /// others. Anything else is ignored, with ``headersWarning`` saying why.
    let extraHeaders: [(name: String, value: String)]
    let headersWarning: String?
    let defaultModel: String
    let titleModel: String
    let firstByteTimeout: Duration
    let persist: Bool
    let maxConversationsPerSession: Int
    let maxMessagesPerConversation: Int
    let retentionDays: Int
    let rateLimitWindowSeconds: Int
    let rateLimitMax: Int
    let allowedOrigin: String
    /// `SSE_KEEPALIVE_MS` (default 15,000): the silence after which a stream gets a `: keep-alive` comment.
    let keepAlive: Duration

    init(_ env: Environment) {
        func setting(_ names: String...) -> String? {
            for n in names { if let v = env[n]?.trimmingSpaces, !v.isEmpty { return v } }
            return nil
        }
        func clamped(_ name: String, _ fallback: Int, _ range: ClosedRange<Int>) -> Int {
            min(max(env.int(name, default: fallback), range.lowerBound), range.upperBound)
        }
        baseURL = Self.normalizedBase(setting("PROVIDER_BASE_URL", "OPENAI_BASE_URL") ?? "https://api.openai.com/v1")
        apiKey = setting("PROVIDER_API_KEY", "OPENAI_API_KEY")
        let headers = Self.parseHeaders(env["PROVIDER_HEADERS_JSON"])
        extraHeaders = headers.0
        headersWarning = headers.1
        defaultModel = setting("DEFAULT_MODEL") ?? "gpt-4.1-mini"
        titleModel = setting("TITLE_MODEL") ?? "gpt-4.1-mini"
        firstByteTimeout = .seconds(clamped("UPSTREAM_FIRST_BYTE_TIMEOUT_SEC", 120, ChatLimits.firstByteTimeoutRange))
        persist = env.bool("PERSIST_TRANSCRIPTS")
        maxConversationsPerSession = clamped("MAX_CONVERSATIONS_PER_SESSION", 100, ChatLimits.countSettingRange)
        maxMessagesPerConversation = clamped("MAX_MESSAGES_PER_CONVERSATION", 1000, ChatLimits.countSettingRange)
        retentionDays = clamped("RETENTION_DAYS", 30, ChatLimits.retentionDaysRange)
        rateLimitWindowSeconds = clamped("RATE_LIMIT_WINDOW_SEC", 60, ChatLimits.rateLimitWindowRange)
        rateLimitMax = clamped("RATE_LIMIT_MAX", 50, ChatLimits.rateLimitMaxRange)
        allowedOrigin = setting("ALLOWED_ORIGIN") ?? "http://localhost:3000"
        keepAlive = .milliseconds(clamped("SSE_KEEPALIVE_MS", 15_000, ChatLimits.keepAliveMsRange))
    }

    /// `POST` target of every upstream call.
    var completionsURL: String { baseURL + "/v1/chat/completions" }

    /// The base without trailing slashes and without one trailing `/v1`.
    static func normalizedBase(_ raw: String) -> String {
        var b = Substring(raw)
        while b.hasSuffix("/") { b = b.dropLast() }
        if b.hasSuffix("/v1") { b = b.dropLast(3) }
        while b.hasSuffix("/") { b = b.dropLast() }
        return String(b)
    }

    /// The extra headers of `PROVIDER_HEADERS_JSON`, or none and the reason they were ignored.
    static func parseHeaders(_ raw: String?) -> ([(name: String, value: String)], String?) {
        guard let raw, !raw.trimmingSpaces.isEmpty else { return ([], nil) }
        guard let value = try? JSONValue.parse(raw), let object = value.objectValue else {
            return ([], "not a JSON object")
        }
        var out: [(name: String, value: String)] = []
        for (name, v) in object {
            let text: String
            switch v {
            case .string(let s): text = s
            case .number(let n): text = n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
            case .bool(let b): text = b ? "true" : "false"
            default: return ([], "header \(name) is not a string")
            }
            let validName = !name.isEmpty && name.utf8.allSatisfy { b in b > 32 && b < 127 && b != 58 }
            let validValue = !text.utf8.contains(where: { $0 == 10 || $0 == 13 || $0 == 0 })
            guard validName, validValue else { return ([], "header \(name) is not a valid HTTP field") }
            out.append((name: name, value: text))
        }
        return (out, nil)
    }
}

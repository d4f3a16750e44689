/// Every limit of the chat app (system 001), in one place.
enum ChatLimits {
    /// Largest request body, in bytes (the original's Express `json({limit: '1mb'})`); also declared as the
    /// group's `maxRequestBodySize` in `vercel-like.json`, which answers 413 before the body is read.
    static let maxBodyBytes = 1_048_576
    /// Accepted `RATE_LIMIT_MAX`: the sliding-window log keeps one timestamp per admitted request, and
    /// must stay far below the KV value limit (64 KiB).
    static let rateLimitMaxRange = 1...5_000
    /// Accepted `RATE_LIMIT_WINDOW_SEC`.
    static let rateLimitWindowRange = 1...86_400
    /// Accepted `UPSTREAM_FIRST_BYTE_TIMEOUT_SEC`.
    static let firstByteTimeoutRange = 1...3_600
    /// Accepted `SSE_KEEPALIVE_MS`.
    static let keepAliveMsRange = 50...600_000
    /// Connect timeout for the provider, in seconds (CONTRACTS §0.2).
    static let connectTimeoutSeconds = 10
    /// First-byte budget of the title request, in seconds; a slower provider gets the fallback title.
    static let titleTimeoutSeconds = 15
    /// Words of the user message used as the fallback title.
    static let fallbackTitleWords = 6
    /// Longest stored title, in characters.
    static let maxTitleCharacters = 120
    /// Longest stored message content, in UTF-8 bytes (longer content is cut at a character boundary and
    /// marked `truncated`): a message is one KV value, limited to 64 KiB.
    static let maxStoredContentBytes = 48 * 1024
    /// Largest upstream JSON body the proxy reads for a non-streaming answer or an error, in bytes.
    static let maxUpstreamBodyBytes = 16 * 1024 * 1024
    /// `GET /v1/conversations/:id` message page size: default and bounds.
    static let defaultMessagePage = 50
    static let messagePageRange = 1...200
    /// `GET /v1/conversations` page size: default and bounds.
    static let defaultConversationPage = 20
    static let conversationPageRange = 1...100
    /// Longest accepted conversation id, session id and short string fields (ids are UUIDs).
    static let maxIdLength = 128
    static let maxShortStringLength = 256
    /// Most UTF-8 bytes of such a string (one character can be many bytes: combining marks), and of a
    /// title: a conversation record is one KV value (64 KiB) holding several of them.
    static let maxShortStringBytes = 1024
    /// Longest client address the rate limiter keys on, in UTF-8 bytes (a KV key is at most 2 KiB).
    static let maxRateLimitIdentifierBytes = 256
    /// Accepted `MAX_CONVERSATIONS_PER_SESSION`, `MAX_MESSAGES_PER_CONVERSATION` and `RETENTION_DAYS`.
    static let countSettingRange = 0...1_000_000
    static let retentionDaysRange = 0...36_500
    /// Attempts of an optimistic (check-and-set) KV update before 503 `write_conflict`.
    static let maxCommitAttempts = 400
    /// Largest SSE line the assistant-text accumulator holds while waiting for its end, in bytes; longer
    /// lines are passed through to the client but not parsed.
    static let maxSSELineBytes = 1_048_576
}

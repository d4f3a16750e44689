import EdgeRuntime

/// The errors the chat proxy makes itself, in 001's native shape: `error` is the machine code
/// (`not_implemented`, `limit_exceeded`...), `message` the human text (CONTRACTS §0.4, §2).
enum ChatError {
    static func make(_ status: HTTPResponse.Status, _ code: String, _ message: String,
                     extra: [String: JSONValue] = [:]) -> HTTPError {
        HTTPError(status, code: code, message: message, error: code, extra: extra)
    }

    static func invalid(_ message: String) -> HTTPError { make(.badRequest, "invalid_request_error", message) }
    static func invalidJSON() -> HTTPError { make(.badRequest, "invalid_json", "The request body is not valid JSON") }
    static func notFound() -> HTTPError { make(.notFound, "not_found", "Conversation not found") }
    static func disabled() -> HTTPError { make(.notImplemented, "not_implemented", "Conversation history is disabled") }
    static func conflict() -> HTTPError {
        make(.serviceUnavailable, "write_conflict", "Too many concurrent writes; retry")
    }

    /// An upstream that could not be reached (502) or did not answer in time (504).
    static func upstream(_ error: FetchError) -> HTTPError {
        if case .timeout = error.kind {
            return make(.gatewayTimeout, "upstream_timeout", "The provider did not answer in time")
        }
        return make(.badGateway, "upstream_error", error.message)
    }
}

extension HTTPField.Name {
    static let chatSessionId = HTTPField.Name("x-session-id")!
    static let chatConversationId = HTTPField.Name("x-conversation-id")!
    static let chatForwardedProto = HTTPField.Name("x-forwarded-proto")!
    static let chatRateLimitLimit = HTTPField.Name("x-ratelimit-limit")!
    static let chatRateLimitRemaining = HTTPField.Name("x-ratelimit-remaining")!
    static let chatAccelBuffering = HTTPField.Name("x-accel-buffering")!
}

/// Optimistic-concurrency loop: `body` returns nil when its check-and-set commit lost a race, and is
/// retried after a short randomized pause; 503 `write_conflict` after ``ChatLimits/maxCommitAttempts``.
enum ChatRetry {
    static func run<T>(_ body: () async throws -> T?) async throws -> T {
        for attempt in 0..<ChatLimits.maxCommitAttempts {
            if let r = try await body() { return r }
            let cap = min(20, 1 + attempt / 4)
            try await Task.sleep(for: .microseconds(Int.random(in: 50...(cap * 1000))))
        }
        throw ChatError.conflict()
    }
}

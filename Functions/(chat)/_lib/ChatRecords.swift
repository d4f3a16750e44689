import EdgeRuntime

/// A stored conversation (value of `["chat", "conv", <id>]`).
///
/// `nextSeq` numbers its messages 1, 2, 3...; every message insert rewrites this record with a
/// check-and-set, so sequence numbers are unique and gap-free and the message limit is exact.
struct ChatConversation: Codable, Sendable {
    var id: String
    var sessionId: String
    var title: String?
    var model: String?
    var streamingEnabled: Bool
    var toolsEnabled: Bool
    var researchMode: Bool
    var qualityLevel: String?
    var reasoningEffort: String?
    var verbosity: String?
    var createdAtMs: Int64
    var updatedAtMs: Int64
    var nextSeq: Int
    var messageCount: Int
    var deletedAtMs: Int64?

    /// The public fields (§2.4), in the original's order.
    var json: JSONObject {
        func opt(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        return [
            "id": .string(id), "title": opt(title), "model": opt(model),
            "streaming_enabled": .bool(streamingEnabled), "tools_enabled": .bool(toolsEnabled),
            "research_mode": .bool(researchMode), "quality_level": opt(qualityLevel),
            "reasoning_effort": opt(reasoningEffort), "verbosity": opt(verbosity),
            "created_at": .string(WallClock.iso8601(epochMilliseconds: createdAtMs)),
        ]
    }

    /// The `_conversation` member added to a chat answer (§2.3).
    var summary: JSONValue {
        func opt(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        return ["id": .string(id), "title": opt(title), "model": opt(model),
                "created_at": .string(WallClock.iso8601(epochMilliseconds: createdAtMs))]
    }
}

/// A stored message (value of `["chat", "msg", <conversation id>, <seq>]`).
struct ChatMessage: Codable, Sendable {
    var id: String
    var seq: Int
    var role: String
    /// `final`, or `error` for an exchange that failed (upstream error, mid-stream failure, client left).
    var status: String
    var content: String
    var finishReason: String?
    /// True when the content was cut to ``ChatLimits/maxStoredContentBytes``.
    var truncated: Bool
    var createdAtMs: Int64

    var json: JSONValue {
        var o: JSONObject = [
            "id": .string(id), "seq": .number(Double(seq)), "role": .string(role), "status": .string(status),
            "content": .string(content), "finish_reason": finishReason.map(JSONValue.string) ?? .null,
            "created_at": .string(WallClock.iso8601(epochMilliseconds: createdAtMs)),
        ]
        if truncated { o["truncated"] = .bool(true) }
        return .object(o)
    }
}

/// A message before it has a sequence number.
struct ChatMessageDraft: Sendable {
    var role: String
    var status: String
    var content: String
    var finishReason: String?

    /// `content` cut at a character boundary to ``ChatLimits/maxStoredContentBytes`` UTF-8 bytes.
    func stored(id: String, seq: Int, now: Int64) -> ChatMessage {
        var text = content
        var truncated = false
        if text.utf8.count > ChatLimits.maxStoredContentBytes {
            var kept = Substring("")
            var bytes = 0
            for ch in text {
                let n = ch.utf8.count
                if bytes + n > ChatLimits.maxStoredContentBytes { break }
                bytes += n
                kept.append(ch)
            }
            text = String(kept)
            truncated = true
        }
        return ChatMessage(id: id, seq: seq, role: role, status: status, content: text,
                           finishReason: finishReason, truncated: truncated, createdAtMs: now)
    }
}

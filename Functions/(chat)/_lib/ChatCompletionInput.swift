import EdgeRuntime

/// A `POST /v1/chat/completions` body shaped for the provider (CONTRACTS §2.3).
///
/// - The body must be a JSON object (any `Content-Type`); malformed JSON is 400 `invalid_json`.
/// - `messages` must be an array; `model`, `conversation_id`, `reasoning_effort` and `verbosity` strings
///   when present; `stream` a boolean or null. Anything else is 400 `invalid_request_error`.
/// - Removed before forwarding: `conversation_id` (also accepted as header `x-conversation-id`; the
///   body wins; a string that cannot be a conversation id is an unknown conversation, never a 400),
///   `streamingEnabled`, `toolsEnabled`, `researchMode`, `qualityLevel`.
/// - No `model` (or null): `DEFAULT_MODEL` is inserted. A `model` over 1024 UTF-8 bytes is 400.
/// - For models starting with `gpt-5`, `reasoning_effort` must be `minimal|low|medium|high` and
///   `verbosity` `low|medium|high` (else 400); for other models both are dropped.
/// - Every other member, `tools` and `stream_options` included, is forwarded as sent.
struct ChatCompletionInput: Sendable {
    var body: JSONObject
    let model: String
    let stream: Bool
    let conversationId: String?
    /// The text of the last `role: "user"` message whose content is a string (what is persisted).
    let lastUserText: String?

    static let uiOnlyFields = ["conversation_id", "streamingEnabled", "toolsEnabled", "researchMode", "qualityLevel"]
    static let reasoningEfforts = ["minimal", "low", "medium", "high"]
    static let verbosities = ["low", "medium", "high"]

    init(bytes: [UInt8], headers: HTTPFields, defaultModel: String) throws {
        guard let parsed = try? JSONValue.parse(bytes) else { throw ChatError.invalidJSON() }
        guard var body = parsed.objectValue else { throw ChatError.invalid("The request body must be a JSON object") }

        func optionalString(_ name: String) throws -> String? {
            switch body[name] {
            case nil, .null?: return nil
            case .string(let s)?: return s
            default: throw ChatError.invalid("\(name) must be a string")
            }
        }
        guard case .array(let messages)? = body["messages"] else { throw ChatError.invalid("messages must be an array") }
        switch body["stream"] {
        case nil, .null?: stream = false
        case .bool(let b)?: stream = b
        default: throw ChatError.invalid("stream must be a boolean")
        }
        let model = try optionalString("model").flatMap { $0.isEmpty ? nil : $0 } ?? defaultModel
        // A model name is stored with the conversation (one KV value): past this it is no model name.
        guard model.utf8.count <= ChatLimits.maxShortStringBytes else { throw ChatError.invalid("model is too long") }
        self.model = model
        body["model"] = .string(model)

        // An id that cannot name a stored conversation (too long, spaces, `;`...) is an unknown one: a new
        // conversation is created (§2.5), and with persistence off the field is simply dropped (§2.3).
        let rawConversation = try optionalString("conversation_id") ?? headers[.chatConversationId]
        conversationId = rawConversation.flatMap(ChatSession.sane)
        for name in Self.uiOnlyFields { _ = body.removeValue(forKey: name) }

        let effort = try optionalString("reasoning_effort")
        let verbosity = try optionalString("verbosity")
        if model.hasPrefix("gpt-5") {
            if let effort, !Self.reasoningEfforts.contains(effort) {
                throw ChatError.invalid("Invalid reasoning_effort. Must be one of \(Self.reasoningEfforts.joined(separator: ", "))")
            }
            if let verbosity, !Self.verbosities.contains(verbosity) {
                throw ChatError.invalid("Invalid verbosity. Must be one of \(Self.verbosities.joined(separator: ", "))")
            }
        } else {
            _ = body.removeValue(forKey: "reasoning_effort")
            _ = body.removeValue(forKey: "verbosity")
        }

        var lastUser: String? = nil
        for case .object(let m) in messages where m["role"]?.stringValue == "user" {
            if let text = m["content"]?.stringValue { lastUser = text }
        }
        lastUserText = lastUser
        self.body = body
    }

    /// The body as sent upstream.
    var upstreamBytes: [UInt8] { JSONValue.object(body).serialized }
}

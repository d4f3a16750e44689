import EdgeRuntime

/// Final-only persistence of one chat exchange (CONTRACTS §2.5), when `PERSIST_TRANSCRIPTS` is on.
///
/// - ``begin(_:call:context:)`` runs before the provider is called: it finds the request's conversation
///   (an unknown, deleted or foreign id gets a new one, under `MAX_CONVERSATIONS_PER_SESSION`), checks
///   `MAX_MESSAGES_PER_CONVERSATION` (429 `limit_exceeded`, nothing written), and inserts the user
///   message. A new conversation and its user message are one commit. A new conversation's title is
///   generated concurrently with the exchange.
/// - ``complete(content:finishReason:)`` inserts the assistant message once, with its final content, and
///   the title (a second commit). ``fail()`` inserts an assistant row with `status: "error"`,
///   `finish_reason: "error"` and empty content instead. Nothing is written per token.
final class ChatTranscript: Sendable {
    let store: ChatStore
    let conversationId: String
    private let initial: ChatConversation
    private let title: Task<String, Never>?
    private let logger: Logger

    private init(store: ChatStore, conversation: ChatConversation, title: Task<String, Never>?, logger: Logger) {
        self.store = store
        self.conversationId = conversation.id
        self.initial = conversation
        self.title = title
        self.logger = logger
    }

    deinit { title?.cancel() }

    static func begin(_ input: ChatCompletionInput, call: ChatGate.Call, context: Context) async throws -> ChatTranscript {
        let store = ChatStore(kv: try context.kv)
        let user = input.lastUserText.map { ChatMessageDraft(role: "user", status: "final", content: $0, finishReason: nil) }
        if let id = input.conversationId, let existing = try await store.conversation(id, session: call.sessionId) {
            if let user {
                guard let appended = try await store.append(user, to: id, limit: call.config.maxMessagesPerConversation) else {
                    throw ChatError.notFound()
                }
                return ChatTranscript(store: store, conversation: appended.0, title: nil, logger: context.logger)
            }
            if existing.messageCount >= call.config.maxMessagesPerConversation {
                throw ChatStore.limitExceeded("Max messages per conversation reached")
            }
            return ChatTranscript(store: store, conversation: existing, title: nil, logger: context.logger)
        }
        let now = store.kv.clock.nowMs()
        let fresh = ChatConversation(
            id: ChatSession.newUUID(), sessionId: call.sessionId, title: nil, model: input.model,
            streamingEnabled: input.stream, toolsEnabled: false, researchMode: false, qualityLevel: nil,
            reasoningEffort: input.body["reasoning_effort"]?.stringValue, verbosity: input.body["verbosity"]?.stringValue,
            createdAtMs: now, updatedAtMs: now, nextSeq: 1, messageCount: 0, deletedAtMs: nil)
        if call.config.maxMessagesPerConversation < 1 { throw ChatStore.limitExceeded("Max messages per conversation reached") }
        let created = try await store.create(fresh, first: user, maxPerSession: call.config.maxConversationsPerSession)
        let text = input.lastUserText ?? ""
        let config = call.config
        let title = Task { await ChatTitle.generate(for: text, config: config, context: context) }
        return ChatTranscript(store: store, conversation: created, title: title, logger: context.logger)
    }

    /// Inserts the final assistant message; returns the conversation for `_conversation`.
    func complete(content: String, finishReason: String?) async -> ChatConversation {
        await insert(ChatMessageDraft(role: "assistant", status: "final", content: content, finishReason: finishReason))
    }

    /// Inserts the assistant error row.
    @discardableResult
    func fail() async -> ChatConversation {
        await insert(ChatMessageDraft(role: "assistant", status: "error", content: "", finishReason: "error"))
    }

    private func insert(_ draft: ChatMessageDraft) async -> ChatConversation {
        let title = await self.title?.value
        do {
            if let appended = try await store.append(draft, to: conversationId, title: title) { return appended.0 }
        } catch {
            logger.error("transcript write failed", metadata: ["conversation": .string(conversationId), "error": "\(error)"])
        }
        var c = initial
        if c.title == nil { c.title = title }
        return c
    }
}

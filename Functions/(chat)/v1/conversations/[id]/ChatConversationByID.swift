import EdgeRuntime

/// `/v1/conversations/:id` (CONTRACTS §2.4). 501 `not_implemented` while `PERSIST_TRANSCRIPTS` is off.
///
/// - `GET ?after_seq=0&limit=50`: the conversation's fields plus `messages` (`{"id","seq","role",
///   "status","content","finish_reason","created_at"}`, oldest first, `seq > after_seq`, `limit` clamped
///   to 1...200) and `next_after_seq` (the `after_seq` of the next page, or null).
/// - `DELETE`: soft delete, 204.
/// An unknown, deleted or other session's conversation is 404 `{"error":"not_found"}` either way.
struct ChatConversationByID: EdgeFunction {
    static let methods: HTTPMethods = [.get, .delete]

    func handle(_ request: Request, context: Context) async throws -> Response {
        try await ChatGate.run(request, context: context) { call in
            guard call.config.persist else { throw ChatError.disabled() }
            guard let id = context.parameters["id"].flatMap(ChatSession.sane) else { throw ChatError.notFound() }
            let store = ChatStore(kv: try context.kv)
            if request.method == .delete {
                guard try await store.softDelete(id, session: call.sessionId) else { throw ChatError.notFound() }
                return .empty(.noContent)
            }
            let afterSeq = try ChatQuery.int(request, "after_seq", default: 0, in: 0...Int(Int32.max))
            let limit = try ChatQuery.int(request, "limit", default: ChatLimits.defaultMessagePage, in: ChatLimits.messagePageRange)
            guard let conversation = try await store.conversation(id, session: call.sessionId) else { throw ChatError.notFound() }
            let (messages, next) = try await store.messages(of: id, afterSeq: afterSeq, limit: limit)
            var body = conversation.json
            body["messages"] = .array(messages.map(\.json))
            body["next_after_seq"] = next.map { JSONValue.number(Double($0)) } ?? .null
            return .json(.object(body))
        }
    }
}

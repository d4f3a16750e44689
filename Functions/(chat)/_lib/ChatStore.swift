import EdgeRuntime

/// Conversations and messages in the app's KV (CONTRACTS §2.4, §2.5). Layout:
/// - `["chat", "conv", <id>]`: ``ChatConversation``;
/// - `["chat", "msg", <id>, <seq>]`: ``ChatMessage``, seq from 1;
/// - `["chat", "sess", <session>, <created ms>, <id>]`: the session's conversations in creation order;
/// - `["chat", "sess_count", <session>]`: how many live conversations the session has (the per-session
///   limit is checked and bumped in the same commit as the creation, so it is exact under concurrency).
/// Every write is one atomic commit: a creation with its first message, or one message (with the
/// conversation record it numbers).
struct ChatStore: Sendable {
    let kv: Kv

    static func convKey(_ id: String) -> KvKey { ["chat", "conv", .string(id)] }
    static func msgPrefix(_ id: String) -> KvKey { ["chat", "msg", .string(id)] }
    static func msgKey(_ id: String, _ seq: Int) -> KvKey { ["chat", "msg", .string(id), .number(Double(seq))] }
    static func sessPrefix(_ session: String) -> KvKey { ["chat", "sess", .string(session)] }
    static func sessKey(_ c: ChatConversation) -> KvKey {
        ["chat", "sess", .string(c.sessionId), .number(Double(c.createdAtMs)), .string(c.id)]
    }
    static func countKey(_ session: String) -> KvKey { ["chat", "sess_count", .string(session)] }

    static func limitExceeded(_ message: String) -> HTTPError {
        ChatError.make(.tooManyRequests, "limit_exceeded", message)
    }

    /// Creates a conversation for `conversation.sessionId` (with `first` as message 1 when given);
    /// 429 `limit_exceeded` when the session already has `maxPerSession` live conversations.
    func create(_ conversation: ChatConversation, first: ChatMessageDraft?, maxPerSession: Int) async throws -> ChatConversation {
        try await ChatRetry.run { () async throws -> ChatConversation? in
            let countKey = Self.countKey(conversation.sessionId)
            let countEntry = try await kv.get(countKey)
            let count = Self.count(countEntry.value)
            if count >= maxPerSession { throw Self.limitExceeded("Max conversations per session reached") }
            var c = conversation
            let op = kv.atomic()
                .check(countKey, versionstamp: countEntry.versionstamp)
                .check(Self.convKey(c.id), versionstamp: nil)
                .set(countKey, .number(Double(count + 1)))
                .set(Self.sessKey(c), .string(c.id))
            if let first {
                c.nextSeq = 2
                c.messageCount = 1
                op.set(Self.msgKey(c.id, 1), encoding: first.stored(id: ChatSession.newUUID(), seq: 1, now: c.createdAtMs))
            }
            op.set(Self.convKey(c.id), encoding: c)
            return try await op.commit().ok ? c : nil
        }
    }

    /// The live conversation `id` of `session`; nil when missing, deleted or another session's.
    func conversation(_ id: String, session: String) async throws -> ChatConversation? {
        guard let e = try await kv.get(Self.convKey(id), as: ChatConversation.self),
              e.value.sessionId == session, e.value.deletedAtMs == nil else { return nil }
        return e.value
    }

    /// Appends `draft` as the conversation's next message, optionally setting its title. With
    /// `limit`, 429 `limit_exceeded` when the conversation already holds that many messages.
    /// Nil when the conversation is gone (deleted or swept meanwhile).
    @discardableResult
    func append(_ draft: ChatMessageDraft, to id: String, limit: Int? = nil, title: String? = nil) async throws -> (ChatConversation, ChatMessage)? {
        try await ChatRetry.run { () async throws -> (ChatConversation, ChatMessage)?? in
            guard let e = try await kv.get(Self.convKey(id), as: ChatConversation.self), e.value.deletedAtMs == nil else {
                return .some(nil)
            }
            var c = e.value
            if let limit, c.messageCount >= limit { throw Self.limitExceeded("Max messages per conversation reached") }
            let now = kv.clock.nowMs()
            let message = draft.stored(id: ChatSession.newUUID(), seq: c.nextSeq, now: now)
            c.nextSeq += 1
            c.messageCount += 1
            c.updatedAtMs = now
            if let title, c.title == nil { c.title = title }
            let ok = try await kv.atomic().check(Self.convKey(id), versionstamp: e.versionstamp)
                .set(Self.convKey(id), encoding: c)
                .set(Self.msgKey(id, message.seq), encoding: message).commit().ok
            return ok ? .some((c, message)) : nil
        }
    }

    /// Messages with `seq > afterSeq`, oldest first, at most `limit`, and the `after_seq` of the next
    /// page (nil when this is the last).
    func messages(of id: String, afterSeq: Int, limit: Int) async throws -> ([ChatMessage], Int?) {
        let selector = KvListSelector.prefixStart(prefix: Self.msgPrefix(id), start: Self.msgKey(id, afterSeq + 1))
        var out: [ChatMessage] = []
        var more = false
        for try await entry in try kv.list(selector, options: KvListOptions(limit: limit + 1)) {
            if out.count == limit { more = true; break }
            if let m = try? entry.decode(as: ChatMessage.self) { out.append(m) }
        }
        return (out, more ? out.last?.seq : nil)
    }

    /// The session's live conversations, newest first, and the cursor of the next page.
    func list(session: String, cursor: String?, limit: Int) async throws -> ([ChatConversation], String?) {
        let seq = try kv.list(.prefix(Self.sessPrefix(session)), options: KvListOptions(limit: limit, reverse: true, cursor: cursor))
        var out: [ChatConversation] = []
        var seen = 0
        let iterator = seq.makeAsyncIterator()
        while let entry = try await iterator.next() {
            seen += 1
            guard case .string(let id)? = entry.value, let c = try await conversation(id, session: session) else { continue }
            out.append(c)
        }
        let next: String? = seen == limit ? try iterator.cursor : nil
        return (out, next)
    }

    /// Soft-deletes the session's conversation `id`: it disappears from reads and lists, its messages
    /// stay until the retention sweep, and it no longer counts against the per-session limit.
    func softDelete(_ id: String, session: String) async throws -> Bool {
        try await ChatRetry.run { () async throws -> Bool? in
            guard let e = try await kv.get(Self.convKey(id), as: ChatConversation.self),
                  e.value.sessionId == session, e.value.deletedAtMs == nil else { return false }
            var c = e.value
            c.deletedAtMs = kv.clock.nowMs()
            let countKey = Self.countKey(session)
            let countEntry = try await kv.get(countKey)
            let ok = try await kv.atomic().check(Self.convKey(id), versionstamp: e.versionstamp)
                .check(countKey, versionstamp: countEntry.versionstamp)
                .set(Self.convKey(id), encoding: c)
                .delete(Self.sessKey(c))
                .set(countKey, .number(Double(max(0, Self.count(countEntry.value) - 1)))).commit().ok
            return ok ? true : nil
        }
    }

    static func count(_ value: KvValue?) -> Int {
        guard case .number(let n)? = value, n.isFinite, n >= 0, n < 1e9 else { return 0 }
        return Int(n)
    }
}

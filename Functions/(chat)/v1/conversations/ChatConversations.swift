import EdgeRuntime

/// `/v1/conversations` (CONTRACTS §2.4). 501 `not_implemented` while `PERSIST_TRANSCRIPTS` is off.
///
/// - `POST` body `{title?, model?, streamingEnabled?, toolsEnabled?, researchMode?, qualityLevel?,
///   reasoningEffort?, verbosity?}` (strings and booleans; null is "not given"; other types 400) creates
///   one conversation of the caller's session: 201 with its fields; 429 `limit_exceeded` past
///   `MAX_CONVERSATIONS_PER_SESSION`. A string over 256 characters or 1024 UTF-8 bytes is 400. A missing
///   or empty body is `{}`.
/// - `GET ?cursor&limit` lists the session's live conversations, newest first: `{"items": [...],
///   "next_cursor": <string>|null}`; `limit` 1...100 (default 20).
struct ChatConversations: EdgeFunction {
    static let methods: HTTPMethods = [.get, .post]

    func handle(_ request: Request, context: Context) async throws -> Response {
        try await ChatGate.run(request, context: context) { call in
            guard call.config.persist else { throw ChatError.disabled() }
            let store = ChatStore(kv: try context.kv)
            if request.method == .post { return try await create(request, call: call, store: store) }
            let limit = try ChatQuery.int(request, "limit", default: ChatLimits.defaultConversationPage, in: ChatLimits.conversationPageRange)
            let cursor = request.query["cursor"].flatMap { $0.isEmpty ? nil : $0 }
            let items: [ChatConversation], next: String?
            do { (items, next) = try await store.list(session: call.sessionId, cursor: cursor, limit: limit) } catch let e as KvError
                where e.code == .invalidCursor || e.code == .cursorOutOfBounds {
                throw ChatError.invalid("cursor is not a cursor this list returned")  // not KV's "TypeError: invalid cursor"
            }
            let body: JSONValue = ["items": .array(items.map { .object($0.json) }), "next_cursor": next.map(JSONValue.string) ?? .null]
            return .json(body)
        }
    }

    private func create(_ request: Request, call: ChatGate.Call, store: ChatStore) async throws -> Response {
        let bytes = try await request.bytes()
        var body = JSONObject()
        if !bytes.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 10 || $0 == 13 }) {
            guard let parsed = try? JSONValue.parse(bytes) else { throw ChatError.invalidJSON() }
            guard let object = parsed.objectValue else { throw ChatError.invalid("The request body must be a JSON object") }
            body = object
        }
        func string(_ name: String) throws -> String? {
            switch body[name] {
            case nil, .null?: return nil
            case .string(let s)?:
                guard s.utf8.count <= ChatLimits.maxShortStringBytes, s.count <= ChatLimits.maxShortStringLength else {
                    throw ChatError.invalid("\(name) is too long")
                }
                return s
            default: throw ChatError.invalid("\(name) must be a string")
            }
        }
        func bool(_ name: String) throws -> Bool {
            switch body[name] {
            case nil, .null?: return false
            case .bool(let b)?: return b
            default: throw ChatError.invalid("\(name) must be a boolean")
            }
        }
        let now = store.kv.clock.nowMs()
        let draft = ChatConversation(
            id: ChatSession.newUUID(), sessionId: call.sessionId, title: try string("title"),
            model: try string("model") ?? call.config.defaultModel,
            streamingEnabled: try bool("streamingEnabled"), toolsEnabled: try bool("toolsEnabled"),
            researchMode: try bool("researchMode"), qualityLevel: try string("qualityLevel"),
            reasoningEffort: try string("reasoningEffort"), verbosity: try string("verbosity"),
            createdAtMs: now, updatedAtMs: now, nextSeq: 1, messageCount: 0, deletedAtMs: nil)
        let created = try await store.create(draft, first: nil, maxPerSession: call.config.maxConversationsPerSession)
        return .json(.object(created.json), status: .created)
    }
}

/// Integer query parameters: absent or empty is the default, a number outside `range` is clamped,
/// anything else is 400.
enum ChatQuery {
    static func int(_ request: Request, _ name: String, default fallback: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let raw = request.query[name], !raw.isEmpty else { return fallback }
        guard raw.utf8.count <= 18, let n = Int(raw) else { throw ChatError.invalid("\(name) must be an integer") }
        return min(max(n, range.lowerBound), range.upperBound)
    }
}

import EdgeTesting
import Testing
@testable import Functions

/// Conversations and final-only persistence (CONTRACTS §2.4, §2.5) through the router, on an in-memory
/// KV, with the fake provider answering both the chat and the title calls.
@Suite struct ChatConversationTests {
    static let on = ["PERSIST_TRANSCRIPTS": "true"]
    static let me = ["x-session-id": "session-a"]
    static let other = ["x-session-id": "session-b"]

    @Test func disabledConversationsAre501AndWriteNothing() async throws {
        let fake = try await ChatFakeProvider()
        let c = try ChatDeployment.client(fake)
        for (method, path) in [(HTTPRequest.Method.post, "/v1/conversations"), (.get, "/v1/conversations/x"), (.get, "/v1/conversations"), (.delete, "/v1/conversations/x")] {
            let r = await c.send(method, path)
            #expect(r.status == 501 && r.error == "not_implemented" && r.json?["message"] == "Conversation history is disabled")
        }
        let chat = await c.send(.post, "/v1/chat/completions", json: ChatProxyTests.hello)
        #expect(chat.status == 200 && chat.json?["_conversation"] == nil)
        #expect(try await c.kv.list(.prefix(["chat", "conv"])).collect().entries.isEmpty)
        #expect(fake.titleRequests.isEmpty)
    }

    @Test func createGetListDelete() async throws {
        let clock = ManualKvClock()
        let c = try ChatDeployment.client(nil, Self.on, clock: clock)
        let created = await c.send(.post, "/v1/conversations", headers: Self.me,
                                   json: #"{"title":"Plan","model":"gpt-4o","streamingEnabled":true,"qualityLevel":"high","reasoningEffort":"low"}"#)
        #expect(created.status == 201, "\(created.text)")
        let id = try #require(created.json?["id"]?.stringValue)
        #expect(created.json?["title"] == "Plan" && created.json?["streaming_enabled"] == true && created.json?["tools_enabled"] == false)
        #expect(created.json?["quality_level"] == "high" && created.json?["reasoning_effort"] == "low" && created.json?["verbosity"] == .null)
        #expect(created.json?["created_at"]?.stringValue?.hasSuffix("Z") == true)
        clock.advance(by: 1000)  // "newest first" below needs distinct creation times
        let empty = await c.send(.post, "/v1/conversations", headers: Self.me)
        #expect(empty.status == 201 && empty.json?["model"] == "gpt-4.1-mini")

        let got = await c.send(.get, "/v1/conversations/\(id)", headers: Self.me)
        #expect(got.status == 200 && got.json?["messages"] == [] && got.json?["next_after_seq"] == .null)
        #expect(await c.send(.get, "/v1/conversations/\(id)", headers: Self.other).status == 404, "another session's")
        let unknown = await c.send(.get, "/v1/conversations/nope", headers: Self.me)
        #expect(unknown.status == 404 && unknown.error == "not_found")

        let list = await c.send(.get, "/v1/conversations?limit=1", headers: Self.me)
        #expect(list.json?["items"]?.arrayValue?.count == 1)
        let cursor = try #require(list.json?["next_cursor"]?.stringValue)
        let page2 = await c.send(.get, "/v1/conversations?limit=1&cursor=\(cursor)", headers: Self.me)
        #expect(page2.json?["items"]?.arrayValue?.first?["id"]?.stringValue == id, "newest first")
        #expect(await c.send(.get, "/v1/conversations", headers: Self.other).json?["items"] == [])

        #expect(await c.send(.delete, "/v1/conversations/\(id)", headers: Self.other).status == 404)
        #expect(await c.send(.delete, "/v1/conversations/\(id)", headers: Self.me).status == 204)
        #expect(await c.send(.get, "/v1/conversations/\(id)", headers: Self.me).status == 404)
        #expect(await c.send(.delete, "/v1/conversations/\(id)", headers: Self.me).status == 404)

        for bad in [#"{"title":5}"#, #"{"toolsEnabled":"yes"}"#, "[]", "{"] {
            let r = await c.send(.post, "/v1/conversations", headers: Self.me, json: bad)
            #expect(r.status == 400, "\(bad)")
        }
        #expect(await c.send(.get, "/v1/conversations?limit=abc", headers: Self.me).status == 400)
        #expect(await c.send(.get, "/v1/conversations/\(id)?after_seq=-", headers: Self.me).status == 400)
    }

    @Test func perSessionLimitIsExactUnderConcurrency() async throws {
        let c = try ChatDeployment.client(nil, Self.on.merging(["MAX_CONVERSATIONS_PER_SESSION": "5"]) { a, _ in a })
        let statuses = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<20 { group.addTask { await c.send(.post, "/v1/conversations", headers: Self.me).status } }
            var out: [Int] = []
            for await s in group { out.append(s) }
            return out
        }
        #expect(statuses.filter { $0 == 201 }.count == 5)
        let over = await c.send(.post, "/v1/conversations", headers: Self.me)
        #expect(over.status == 429 && over.error == "limit_exceeded" && over.json?["message"] == "Max conversations per session reached")
        #expect(await c.send(.post, "/v1/conversations", headers: Self.other).status == 201)
    }

    @Test func jsonChatPersistsUserThenAssistantWithATitle() async throws {
        let fake = try await ChatFakeProvider()
        let c = try ChatDeployment.client(fake, Self.on)
        let r = await c.send(.post, "/v1/chat/completions", headers: Self.me, json: ChatProxyTests.hello)
        #expect(r.status == 200, "\(r.text)")
        let conv = try #require(r.json?["_conversation"])
        #expect(conv["title"] == "Fake Title" && conv["model"] == "gpt-4.1-mini")
        #expect(r.text.hasPrefix(String(ChatFakeProvider.jsonBody.dropLast())), "the upstream bytes, one member appended")
        let id = try #require(conv["id"]?.stringValue)
        #expect(fake.titleRequests.count == 1 && fake.chatRequests.count == 1)

        let got = await c.send(.get, "/v1/conversations/\(id)", headers: Self.me)
        let messages = try #require(got.json?["messages"]?.arrayValue)
        #expect(messages.map { $0["role"] } == ["user", "assistant"])
        #expect(messages.map { $0["seq"] } == [1, 2])
        #expect(messages[0]["content"] == "Hello, how are you today my friend?")
        #expect(messages[1]["content"] == "Hello there" && messages[1]["status"] == "final" && messages[1]["finish_reason"] == "stop")
        #expect(got.json?["title"] == "Fake Title")

        // The same conversation through the header: no second title call, messages 3 and 4.
        let again = await c.send(.post, "/v1/chat/completions", headers: Self.me.merging(["x-conversation-id": id]) { a, _ in a },
                                 json: ChatProxyTests.hello)
        #expect(again.json?["_conversation"]?["id"]?.stringValue == id)
        #expect(fake.titleRequests.count == 1)
        let page = await c.send(.get, "/v1/conversations/\(id)?after_seq=2&limit=1", headers: Self.me)
        #expect(page.json?["messages"]?.arrayValue?.map { $0["seq"] } == [3])
        #expect(page.json?["next_after_seq"] == 3)
        let last = await c.send(.get, "/v1/conversations/\(id)?after_seq=3", headers: Self.me)
        #expect(last.json?["messages"]?.arrayValue?.map { $0["seq"] } == [4] && last.json?["next_after_seq"] == .null)

        // Another session's id starts a new conversation instead.
        let foreign = await c.send(.post, "/v1/chat/completions", headers: Self.other, json: #"{"conversation_id":"\#(id)","messages":[{"role":"user","content":"x"}]}"#)
        #expect(foreign.json?["_conversation"]?["id"]?.stringValue != id)
    }

    @Test func messageLimitIs429AndWritesNothing() async throws {
        let fake = try await ChatFakeProvider()
        let c = try ChatDeployment.client(fake, Self.on.merging(["MAX_MESSAGES_PER_CONVERSATION": "2"]) { a, _ in a })
        let first = await c.send(.post, "/v1/chat/completions", headers: Self.me, json: ChatProxyTests.hello)
        let id = try #require(first.json?["_conversation"]?["id"]?.stringValue)
        let over = await c.send(.post, "/v1/chat/completions", headers: Self.me.merging(["x-conversation-id": id]) { a, _ in a },
                                json: ChatProxyTests.hello)
        #expect(over.status == 429 && over.error == "limit_exceeded" && over.json?["message"] == "Max messages per conversation reached")
        #expect(fake.chatRequests.count == 1, "the provider was not called")
        #expect(await c.send(.get, "/v1/conversations/\(id)", headers: Self.me).json?["messages"]?.arrayValue?.count == 2)
    }

    /// One character can carry any number of combining marks: strings limited by characters only could
    /// overflow the conversation record (one KV value, 64 KiB) and answer 413 `value_too_large`, and a
    /// fallback title made of such a word made the assistant row's write fail (nothing stored).
    @Test func hugeCharactersAreBoundedByBytes() async throws {
        let c = try ChatDeployment.client(nil, Self.on)
        let huge = "a" + String(repeating: "\u{301}", count: 33_000)  // one character of 66 001 bytes
        for field in ["title", "model", "qualityLevel"] {
            let r = await c.send(.post, "/v1/conversations", headers: Self.me, json: JSONValue.object([field: .string(huge)]).jsonText)
            #expect(r.status == 400 && r.error == "invalid_request_error" && r.json?["message"]?.stringValue == "\(field) is too long", "\(r.text)")
        }
        #expect(await c.send(.post, "/v1/conversations", headers: Self.me,
                             json: JSONValue.object(["title": .string(String(repeating: "é", count: 256))]).jsonText).status == 201)

        let fake = try await ChatFakeProvider()
        let chat = try ChatDeployment.client(fake, mode: "notitle", Self.on)
        let body: JSONValue = ["messages": [["role": "user", "content": .string(huge + " second word")]]]
        let r = await chat.send(.post, "/v1/chat/completions", headers: Self.me, json: body.jsonText)
        #expect(r.status == 200)
        let id = try #require(r.json?["_conversation"]?["id"]?.stringValue)
        let title = try #require(r.json?["_conversation"]?["title"]?.stringValue)
        #expect(title == "New conversation", "the first word alone is past the title's 1024 bytes")
        let got = await chat.send(.get, "/v1/conversations/\(id)", headers: Self.me)
        #expect(got.json?["messages"]?.arrayValue?.map { $0["role"] } == ["user", "assistant"], "the assistant row is stored")
        #expect(got.json?["title"]?.stringValue == title)
    }

    /// An unknown conversation id gets a new conversation (§2.5): one that cannot be an id (too long, `;`,
    /// spaces, non-ASCII) too; it was a 400 "conversation_id is not a valid id", even with persistence off,
    /// where the proxy only drops the field (§2.3).
    @Test func oddConversationIdsAreUnknownConversations() async throws {
        let fake = try await ChatFakeProvider()
        for env in [[:], Self.on] {
            let c = try ChatDeployment.client(fake, env)
            for id in ["a;b", String(repeating: "a", count: 200), "x y", "é", "\"q\"", " "] {
                let viaHeader = await c.send(.post, "/v1/chat/completions", headers: Self.me.merging(["x-conversation-id": id]) { a, _ in a },
                                             json: ChatProxyTests.hello)
                #expect(viaHeader.status == 200, "\(id): \(viaHeader.text)")
                #expect((viaHeader.json?["_conversation"]?["id"]?.stringValue != nil) == (env == Self.on))
                let body: JSONValue = ["conversation_id": .string(id), "messages": [["role": "user", "content": "hi"]]]
                #expect(await c.send(.post, "/v1/chat/completions", headers: Self.me, json: body.jsonText).status == 200, "\(id)")
            }
        }
        #expect(!fake.chatRequests.contains { $0.text.contains("conversation_id") }, "never forwarded")
    }

    @Test func aForgedListCursorIs400() async throws {
        let c = try ChatDeployment.client(nil, Self.on)
        for cursor in ["!!!", "%2B%2F"] {
            let r = await c.send(.get, "/v1/conversations?cursor=\(cursor)", headers: Self.me)
            #expect(r.status == 400 && r.error == "invalid_request_error", "\(r.text)")
        }
    }

    @Test func titleFallsBackToTheFirstSixWords() async throws {
        let fake = try await ChatFakeProvider()
        let c = try ChatDeployment.client(fake, mode: "notitle", Self.on)
        let r = await c.send(.post, "/v1/chat/completions", headers: Self.me, json: ChatProxyTests.hello)
        #expect(r.json?["_conversation"]?["title"] == "Hello, how are you today my")
    }

    @Test func streamedChatStoresTwoRowsAndEndsWithTheConversationEvent() async throws {
        let fake = try await ChatFakeProvider()
        let c = try ChatDeployment.client(fake, mode: "sse-4-2-usage", Self.on)
        let r = await c.send(.post, "/v1/chat/completions", headers: Self.me,
                             json: #"{"stream":true,"messages":[{"role":"user","content":"stream please"}]}"#)
        let upstream = ChatFakeProvider.sse(count: 4, usage: true)
        #expect(r.text.hasPrefix(upstream), "the provider's bytes first, unchanged")
        let tail = String(r.text.dropFirst(upstream.count))
        #expect(tail.hasPrefix("data: {\"_conversation\":{") && tail.hasSuffix("}}\n\n"))
        let event = try #require(try? JSONValue.parse(Array(tail.dropFirst(6).utf8)))
        let id = try #require(event["_conversation"]?["id"]?.stringValue)
        let messages = try #require(await c.send(.get, "/v1/conversations/\(id)", headers: Self.me).json?["messages"]?.arrayValue)
        #expect(messages.map { $0["content"] } == ["stream please", "t0 t1 t2 t3 "])
        #expect(messages.last?["finish_reason"] == "stop" && messages.last?["status"] == "final")
    }

    @Test func midStreamDropStoresAnErrorRow() async throws {
        let fake = try await ChatFakeProvider()
        let c = try ChatDeployment.client(fake, mode: "sse-2-0-drop", Self.on)
        let r = await c.send(.post, "/v1/chat/completions", headers: Self.me, json: #"{"stream":true,"messages":[{"role":"user","content":"q"}]}"#)
        #expect(!r.text.contains("[DONE]") && !r.text.contains("_conversation"))
        let messages = try await storedMessages(c)
        #expect(messages.map(\.role) == ["user", "assistant"])
        #expect(messages.last?.status == "error" && messages.last?.finishReason == "error" && messages.last?.content == "")
    }

    @Test func upstreamErrorStoresAnErrorRow() async throws {
        let fake = try await ChatFakeProvider()
        let c = try ChatDeployment.client(fake, mode: "status-500", Self.on)
        let r = await c.send(.post, "/v1/chat/completions", headers: Self.me, json: ChatProxyTests.hello)
        #expect(r.status == 500)
        #expect(try await storedMessages(c).map(\.status) == ["final", "error"])
    }

    @Test func aClientThatLeavesGetsAnErrorRow() async throws {
        let fake = try await ChatFakeProvider()
        let c = try ChatDeployment.client(fake, mode: "hold", Self.on)
        do {
            let opened = await c.open(.post, "/v1/chat/completions", headers: Self.me,
                                      body: Array(#"{"stream":true,"messages":[{"role":"user","content":"q"}]}"#.utf8))
            var it = opened.body.makeAsyncIterator()
            _ = try await it.next()
        }
        let deadline = ContinuousClock.now + .seconds(5)
        var messages: [ChatMessage] = []
        while ContinuousClock.now < deadline {
            messages = try await storedMessages(c)
            if messages.count == 2 && fake.hold.aborted { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(messages.map(\.status) == ["final", "error"])
        #expect(fake.hold.aborted, "the upstream was aborted")
    }

    @Test func retentionSweepDeletesIdleConversations() async throws {
        let clock = ManualKvClock()
        let fake = try await ChatFakeProvider()
        let c = try ChatDeployment.client(fake, Self.on.merging(["RETENTION_DAYS": "2", "CRON_SECRET": "cs"]) { a, _ in a }, clock: clock)
        let old = await c.send(.post, "/v1/chat/completions", headers: Self.me, json: ChatProxyTests.hello)
        let oldId = try #require(old.json?["_conversation"]?["id"]?.stringValue)
        clock.advance(by: 3 * 86_400_000)
        let fresh = await c.send(.post, "/v1/conversations", headers: Self.me)
        #expect(await c.send(.get, "/cron/chat-retention").status == 401)
        let run = await c.cron("/cron/chat-retention")
        #expect(run.status == 200 && run.json?["deleted"] == 1, "\(run.text)")
        #expect(await c.send(.get, "/v1/conversations/\(oldId)", headers: Self.me).status == 404)
        #expect(try await c.kv.list(.prefix(ChatStore.msgPrefix(oldId))).collect().entries.isEmpty)
        #expect(await c.send(.get, "/v1/conversations/\(fresh.json?["id"]?.stringValue ?? "")", headers: Self.me).status == 200)
        let manual = await c.send(.get, "/cron/chat-retention", headers: ["authorization": "Bearer cs"])
        #expect(manual.status == 200 && manual.json?["deleted"] == 0)
    }

    /// Every stored message, in key order.
    func storedMessages(_ c: TestClient) async throws -> [ChatMessage] {
        try await c.kv.list(.prefix(["chat", "msg"])).collect().entries.compactMap { try $0.decode(as: ChatMessage.self) }
    }
}

extension JSONValue {
    fileprivate var jsonText: String { String(decoding: serialized, as: UTF8.self) }
}

import EdgeRuntime

/// `POST /v1/chat/completions`: the OpenAI-compatible proxy (CONTRACTS §2.3).
///
/// The body is shaped by ``ChatCompletionInput`` (400 on malformed JSON or wrong types, 413 past
/// 1 MiB) and sent to the provider (``ChatUpstream``). An upstream status >= 400 comes back with the
/// same status and the provider's body (JSON), for streams too. Otherwise:
/// - `stream` falsy: 200 with the provider's JSON unchanged; with persistence on, one more member
///   `"_conversation": {"id","title","model","created_at"}` is appended.
/// - `stream: true`: ``ChatStreamRelay``.
/// With `PERSIST_TRANSCRIPTS` on, the exchange is recorded by ``ChatTranscript``.
struct ChatCompletions: EdgeFunction {
    static let methods: HTTPMethods = [.post]

    func handle(_ request: Request, context: Context) async throws -> Response {
        try await ChatGate.run(request, context: context) { call in
            let input = try ChatCompletionInput(bytes: try await request.bytes(), headers: request.headers,
                                                defaultModel: call.config.defaultModel)
            context.logField("model", input.model)
            let transcript = call.config.persist ? try await ChatTranscript.begin(input, call: call, context: context) : nil
            let upstream: FetchResponse
            do {
                upstream = try await ChatUpstream.send(input.upstreamBytes, stream: input.stream, config: call.config, context: context)
            } catch {
                await transcript?.fail()
                throw error
            }
            if upstream.status >= 400 {
                await transcript?.fail()
                return try await ChatUpstream.forwardError(upstream)
            }
            if input.stream {
                return ChatStreamRelay.response(upstream, transcript: transcript, keepAlive: call.config.keepAlive, context: context)
            }
            return try await Self.completeJSON(upstream, transcript: transcript)
        }
    }

    static func completeJSON(_ upstream: FetchResponse, transcript: ChatTranscript?) async throws -> Response {
        let bytes: [UInt8]
        do { bytes = try await ChatUpstream.collect(upstream) } catch {
            await transcript?.fail()
            throw error
        }
        guard let transcript else {
            var h = HTTPFields()
            h[.contentType] = upstream.headers["content-type"] ?? "application/json; charset=utf-8"
            return Response(status: .ok, headers: h, body: .bytes(bytes))
        }
        let parsed = try? JSONValue.parse(bytes)
        var content = "", finish: String? = nil
        if case .array(let choices)? = parsed?["choices"], let first = choices.first {
            content = first["message"]?["content"]?.stringValue ?? ""
            finish = first["finish_reason"]?.stringValue
        }
        let conversation = await transcript.complete(content: content, finishReason: finish)
        guard let out = ChatUpstream.appendingMember("_conversation", conversation.summary, to: bytes) else {
            return .jsonBytes(bytes, status: .ok)
        }
        return .jsonBytes(out, status: .ok)
    }
}

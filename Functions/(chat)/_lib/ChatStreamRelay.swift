import EdgeRuntime

/// The streamed answer of `POST /v1/chat/completions` (CONTRACTS §2.3), once the provider answered 2xx.
///
/// - 200 `text/event-stream`, `Cache-Control: no-cache`, `X-Accel-Buffering: no`; the head goes out at once.
/// - Every upstream chunk is written to the client as it arrives, byte for byte (`data: [DONE]` and the
///   `stream_options.include_usage` chunk included), one chunk in flight at a time (back-pressure
///   reaches the provider through the fetch body). While the provider is silent for `SSE_KEEPALIVE_MS`
///   (default 15 s) between two events, a `: keep-alive` comment goes out (SDKs skip comments): it keeps
///   proxies from closing the connection.
/// - With a transcript: after the upstream's end the assistant message is stored, then one extra event
///   `data: {"_conversation":{...}}` follows (after `[DONE]`).
/// - The upstream fails mid-stream: the response ends as it is, with no `[DONE]` and no extra event;
///   the transcript gets its error row.
/// - The client leaves (the runtime cancels the relay as soon as the client's socket closes, even while
///   the provider is silent): the upstream transfer is aborted at once; the
///   transcript's error row is written in the background (``Context/waitUntil(_:)``).
enum ChatStreamRelay {
    enum Outcome: Sendable {
        case completed, upstreamFailed(String), clientLeft
    }

    static func response(_ upstream: FetchResponse, transcript: ChatTranscript?, keepAlive: Duration, context: Context) -> Response {
        var h = HTTPFields()
        h[.contentType] = "text/event-stream"
        h[.cacheControl] = "no-cache"
        h[.chatAccelBuffering] = "no"
        let body = upstream.body
        return Response(status: .ok, headers: h, body: .producer { writer in
            try await relay(body, to: writer, transcript: transcript, keepAlive: keepAlive, context: context)
        })
    }

    static func relay(_ body: FetchBody, to writer: StreamWriter, transcript: ChatTranscript?, keepAlive: Duration,
                      context: Context) async throws {
        let started = ContinuousClock.now
        var text = ChatSSEText()
        var bytes = 0
        let outcome: Outcome
        do {
            let end = try await writer.relayEvents(from: body, keepAlive: keepAlive, logger: context.logger) { chunk in
                bytes += chunk.count
                if transcript != nil { text.feed(chunk) }
            }
            switch end {
            case .finished: outcome = Task.isCancelled ? .clientLeft : .completed
            case .upstreamFailed(let reason): outcome = .upstreamFailed(reason)
            case .cancelled: outcome = .clientLeft
            }
        } catch {
            outcome = .clientLeft
        }
        var meta: Logger.Metadata = ["bytes": .stringConvertible(bytes),
                                     "durationMs": .stringConvertible((ContinuousClock.now - started).components.seconds * 1000)]
        switch outcome {
        case .completed:
            context.logger.info("stream:end", metadata: meta)
            if let transcript {
                let conversation = await transcript.complete(content: text.content, finishReason: text.finishReason)
                let event: JSONValue = ["_conversation": conversation.summary]
                try await writer.write(Array("data: ".utf8) + event.serialized + Array("\n\n".utf8))
            }
        case .upstreamFailed(let reason):
            meta["error"] = .string(reason)
            context.logger.warning("stream:upstream_failed", metadata: meta)
            if let transcript { await transcript.fail() }
        case .clientLeft:
            context.logger.info("stream:client_left", metadata: meta)
            if let transcript { context.waitUntil { await transcript.fail() } }
        }
    }
}

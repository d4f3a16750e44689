import EdgeRuntime

/// What every 001 route does around its own work (CONTRACTS §2.2, §2.6), in this order:
/// 1. log `request:start` (method, path, session, client address; `Authorization` only as `[redacted]`);
/// 2. resolve the session (and note the `cf_session_id` cookie for the response);
/// 3. the per-IP limiter (429 before anything else is read or written);
/// 4. the route's work;
/// 5. log `request:end` with the status, the duration in ms and the session (a streamed answer ends
///    here when its head is ready; the relay logs the end of the stream itself).
enum ChatGate {
    struct Call: Sendable {
        let config: ChatConfig
        let sessionId: String
    }

    static func run(_ request: Request, context: Context,
                    _ work: (Call) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let config = context.env.derived(ChatConfig.init)
        let sessionId = ChatSession.resolve(request, context: context)
        context.logField("sessionId", sessionId)
        var start: Logger.Metadata = [
            "method": .string(request.method.rawValue), "path": .string(request.path),
            "sessionId": .string(sessionId), "ip": .string(request.clientAddress ?? "-"),
        ]
        if request.headers[.authorization] != nil { start["authorization"] = "[redacted]" }
        context.logger.info("request:start", metadata: start)
        func end(_ status: Int) {
            let ms = (ContinuousClock.now - started).components
            let durationMs = Double(ms.seconds) * 1000 + Double(ms.attoseconds) / 1e15
            context.logger.info("request:end", metadata: [
                "status": .stringConvertible(status), "durationMs": .stringConvertible(durationMs),
                "sessionId": .string(sessionId),
            ])
        }
        do {
            try await ChatRateLimit.enforce(request, context: context, config: config)
            let response = try await work(Call(config: config, sessionId: sessionId))
            end(Int(response.status.code))
            return response
        } catch let e as HTTPError {
            end(Int(e.status.code))
            throw e
        } catch {
            end(500)
            throw error
        }
    }
}

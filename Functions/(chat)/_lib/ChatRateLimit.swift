import EdgeRuntime

/// The per-IP sliding-window limiter over all of 001's routes (CONTRACTS §2.6).
///
/// The KV value at `["chat", "rate", <ip>]` is the log of admission times (ms) inside the last
/// `RATE_LIMIT_WINDOW_SEC`, oldest first, with `expireIn` = the window. A request is admitted when fewer
/// than `RATE_LIMIT_MAX` times are in the window; the log is then rewritten with a check-and-set on its
/// versionstamp (retried on conflict), so concurrent requests can never exceed the limit. Concurrent
/// requests of one address in one process are decided together, one read and one check-and-set per
/// group (``ChatRateAdmissions``), as if they had come one after another. Admitted responses carry
/// `X-RateLimit-Limit` and `X-RateLimit-Remaining`; the rest get 429
/// `{"error":"rate_limit_exceeded","remaining":0}` with `Retry-After: <window seconds>` and change nothing.
enum ChatRateLimit {
    struct Outcome: Sendable, Equatable {
        let allowed: Bool
        let remaining: Int
    }

    static func enforce(_ request: Request, context: Context, config: ChatConfig) async throws {
        let ip = identifier(request.clientAddress)
        let o = try await ChatRateAdmissions.shared.admit(kv: try context.kv, identifier: ip, limit: config.rateLimitMax,
                                                          windowSeconds: config.rateLimitWindowSeconds)
        context.setResponseHeader(.chatRateLimitLimit, String(config.rateLimitMax))
        context.setResponseHeader(.chatRateLimitRemaining, String(o.remaining))
        guard o.allowed else {
            context.setResponseHeader(.retryAfter, String(config.rateLimitWindowSeconds))
            throw ChatError.make(.tooManyRequests, "rate_limit_exceeded", "Too many requests",
                                 extra: ["remaining": .number(0)])
        }
    }

    /// The limiter's bucket for a client address. Behind `TRUST_PROXY=1` the address is the first
    /// `x-forwarded-for` hop, any text the client sent: past ``ChatLimits/maxRateLimitIdentifierBytes`` it is
    /// cut (at a character boundary), so the KV key stays within its limits instead of failing every request.
    static func identifier(_ address: String?) -> String {
        guard let address, !address.isEmpty else { return "unknown" }
        return ChatText.prefix(address, characters: Int.max, bytes: ChatLimits.maxRateLimitIdentifierBytes)
    }

    /// One round's decision for `count` requests of one bucket, in arrival order: the first `admitted`
    /// were admitted, their times appended to a log that held `before` times.
    struct Round: Sendable, Equatable {
        let limit: Int
        let before: Int
        let admitted: Int

        /// The outcome of the request at `position` (0 = first) of the round.
        func outcome(at position: Int) -> Outcome {
            guard position < admitted else { return Outcome(allowed: false, remaining: 0) }
            return Outcome(allowed: true, remaining: max(0, limit - (before + position + 1)))
        }
    }

    /// Decides `count` requests of bucket `identifier` at once: reads the log, admits as many as the
    /// window still holds (each gets one entry at the same `now`), and writes the log back with a
    /// check-and-set, re-reading on conflict. Admits none (and writes nothing) when the window is full.
    static func admit(kv: Kv, identifier: String, count: Int, limit: Int, windowSeconds: Int) async throws -> Round {
        let key: KvKey = ["chat", "rate", .string(identifier)]
        let windowMs = Int64(windowSeconds) * 1000
        return try await ChatRetry.run { () async throws -> Round? in
            let now = kv.clock.nowMs()
            let entry = try await kv.get(key)
            var log: [Double] = []
            if case .array(let items)? = entry.value {
                for case .number(let t) in items where t.isFinite && t > Double(now - windowMs) { log.append(t) }
            }
            let before = log.count
            let admitted = min(max(0, limit - before), count)
            if admitted == 0 { return Round(limit: limit, before: before, admitted: 0) }
            log.append(contentsOf: repeatElement(Double(now), count: admitted))
            let ok = try await kv.atomic().check(key, versionstamp: entry.versionstamp)
                .set(key, .array(log.map(KvValue.number)), expireIn: Int(windowMs)).commit().ok
            return ok ? Round(limit: limit, before: before, admitted: admitted) : nil
        }
    }
}

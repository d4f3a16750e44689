import EdgeRuntime

/// Fixed-window rate limits in KV (§5.6): key `["rate_limit", identifier, floor(now/window)]` with
/// `expireIn = window`, incremented by check-and-set (retried on conflict), so concurrent clients
/// can never exceed the limit.
enum VLMRateLimit {
    enum Bucket: String, Sendable {
        case create, update, set_default, delete, admin, vision
    }

    struct Outcome: Sendable {
        let allowed: Bool
        let limit: Int
        let remaining: Int
        let resetSeconds: Int
    }

    /// Checks and counts one request; sets `X-RateLimit-*` on the response, whatever it ends up being;
    /// throws 429 when over. A limit of 0 or less disables the limiter.
    static func enforce(_ bucket: Bucket, request: Request, context: Context) async throws {
        let env = context.env
        let limit: Int, window: Int
        if bucket == .vision {
            limit = env.int("VISION_RL_LIMIT", default: 60)
            window = min(max(1, env.int("VISION_RL_WINDOW_SEC", default: 60)), VLMLimits.maxWindowSeconds)
        } else {
            limit = env.int("WRITE_RL_LIMIT", default: 20)
            window = min(max(1, env.int("WRITE_RL_WINDOW_SEC", default: 60)), VLMLimits.maxWindowSeconds)
        }
        guard limit > 0 else { return }
        let identifier = "\(VLM.clientIP(request)):\(bucket.rawValue)"
        let o = try await check(kv: try context.kv, identifier: identifier, limit: limit, windowSec: window)
        context.setResponseHeader(.rateLimitLimit, String(o.limit))
        context.setResponseHeader(.rateLimitRemaining, String(o.remaining))
        context.setResponseHeader(.rateLimitReset, String(o.resetSeconds))
        if !o.allowed {
            context.setResponseHeader(.retryAfter, String(o.resetSeconds))
            throw VLM.error(.tooManyRequests, "Too many requests", code: "rate_limited",
                            message: "Rate limit of \(o.limit) requests per \(window) s exceeded",
                            details: ["limit": .number(Double(o.limit)), "reset": .number(Double(o.resetSeconds))])
        }
    }

    /// `windowSec` must be 1 ... ``VLMLimits/maxWindowSeconds`` (``enforce`` clamps the settings).
    static func check(kv: Kv, identifier: String, limit: Int, windowSec: Int) async throws -> Outcome {
        let windowSec = min(max(1, windowSec), VLMLimits.maxWindowSeconds)
        let nowMs = VLMTime.nowMs()
        let window = nowMs / 1000 / Int64(windowSec)
        let key: KvKey = ["rate_limit", .string(identifier), .number(Double(window))]
        let reset = max(1, Int((window + 1) * Int64(windowSec) - nowMs / 1000))
        return try await VLMRetry.run { () async throws -> Outcome? in
            let entry = try await kv.get(key)
            // A stored count that is not a small integer (corrupt) counts as the limit: fail closed, no trap.
            let count = entry.versionstamp == nil ? 0 : VLMLimits.int(entry.value, in: 0...Int(Int32.max)) ?? limit
            if count >= limit { return Outcome(allowed: false, limit: limit, remaining: 0, resetSeconds: reset) }
            let r = try await kv.atomic().check(key, versionstamp: entry.versionstamp)
                .set(key, .number(Double(count + 1)), expireIn: windowSec * 1000).commit()
            guard r.ok else { return nil }
            return Outcome(allowed: true, limit: limit, remaining: max(0, limit - count - 1), resetSeconds: reset)
        }
    }
}

/// Anti-replay (§5.6): `X-Nonce` -> key `["nonce", nonce]` with `expireIn = NONCE_TTL_SEC`. The
/// check-and-set is part of the write's own atomic commit, so a rejected write does not consume the
/// nonce and one nonce sent concurrently is accepted once.
struct VLMNonce: Sendable {
    let value: String
    let ttlMs: Int

    var key: KvKey { ["nonce", .string(value)] }

    /// The request's nonce (nil when absent and not required); 400 when required and missing or malformed.
    static func from(_ request: Request, env: Environment) throws -> VLMNonce? {
        guard let raw = request.headers[HTTPField.Name("x-nonce")!] else {
            if env.bool("ENABLE_NONCE_REQUIRED_FOR_WRITE") {
                throw VLM.error(.badRequest, "Nonce required", code: "nonce_required")
            }
            return nil
        }
        let ok = (8...128).contains(raw.utf8.count) && raw.utf8.allSatisfy { b in
            (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 46 || b == 95 || b == 45
        }
        guard ok else { throw VLM.error(.badRequest, "Invalid nonce", code: "invalid_nonce", message: "X-Nonce must be 8-128 characters of [A-Za-z0-9._-]") }
        let ttl = min(max(1, env.int("NONCE_TTL_SEC", default: 300)), VLMLimits.maxWindowSeconds)
        return VLMNonce(value: raw, ttlMs: ttl * 1000)
    }

    static func replay() -> HTTPError { VLM.error(.conflict, "Nonce already used", code: "replay") }

    /// 409 when the nonce was seen before (a cheap early check; the commit re-checks atomically).
    func ensureUnused(_ kv: Kv) async throws {
        if try await kv.get(key).versionstamp != nil { throw VLMNonce.replay() }
    }

    /// Adds the atomic check-and-set of the nonce to a commit.
    func apply(to op: KvAtomicOperation) {
        op.check(key, versionstamp: nil).set(key, .bool(true), expireIn: ttlMs)
    }

    /// Consumes the nonce on its own (writes whose effect is not a KV commit, e.g. a backup download).
    func consume(_ kv: Kv) async throws {
        let op = kv.atomic()
        apply(to: op)
        if !(try await op.commit()).ok { throw VLMNonce.replay() }
    }
}

/// Optimistic-concurrency loop: `body` returns nil when its commit lost a race; it is retried with
/// a short randomized backoff.
enum VLMRetry {
    static let maxAttempts = 400

    static func run<T>(_ body: () async throws -> T?) async throws -> T {
        for attempt in 0..<maxAttempts {
            if let r = try await body() { return r }
            let cap = min(20, 1 + attempt / 4)
            try await Task.sleep(for: .microseconds(Int.random(in: 100...(cap * 1000))))
        }
        throw VLM.error(.serviceUnavailable, "Concurrent write conflict", code: "write_conflict",
                        message: "Too many concurrent writes; retry")
    }
}

/// The write pipeline order of §5.6: rate limit -> auth -> nonce (early check).
enum VLMWriteGuard {
    static func admit(_ bucket: VLMRateLimit.Bucket, request: Request, context: Context) async throws -> VLMNonce? {
        try await VLMRateLimit.enforce(bucket, request: request, context: context)
        try context.authorize("admin")
        let nonce = try VLMNonce.from(request, env: context.env)
        if let nonce { try await nonce.ensureUnused(try context.kv) }
        return nonce
    }
}

extension HTTPField.Name {
    static let rateLimitLimit = HTTPField.Name("x-ratelimit-limit")!
    static let rateLimitRemaining = HTTPField.Name("x-ratelimit-remaining")!
    static let rateLimitReset = HTTPField.Name("x-ratelimit-reset")!
    static let cacheStatus = HTTPField.Name("x-cache")!
}

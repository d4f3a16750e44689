import EdgeRuntime

/// System 001, the OpenAI-compatible chat proxy (CONTRACTS §2).
///
/// - CORS (§2.2): the one origin `ALLOWED_ORIGIN` (default `http://localhost:3000`) with credentials,
///   methods `GET,POST,PUT,DELETE,OPTIONS`, headers `Content-Type, Accept, Authorization, x-session-id`;
///   preflights answer 204 before anything else runs.
/// - Credentials: none from clients (§2.8); `cron` is `Authorization: Bearer CRON_SECRET` for running
///   the retention sweep by hand.
/// - Errors: 001's native `{"error": "<code>", "message"}` inside the §0.4 envelope, so `error` is the
///   machine code for every error the proxy or the runtime makes (413 `payload_too_large`, 405...).
///   Upstream provider errors never pass through here: they are forwarded verbatim (§2.3).
/// - Start-up: an invalid `PROVIDER_HEADERS_JSON` is reported once, here, and then ignored.
struct ChatApp: EdgeApp {
    func policy(_ env: Environment) -> AppPolicy {
        let config = ChatConfig(env)
        if let warning = config.headersWarning {
            Logger(label: "chat").warning("PROVIDER_HEADERS_JSON ignored", metadata: ["reason": .string(warning)])
        }
        return AppPolicy(
            cors: CORS(
                origins: .list([config.allowedOrigin]),
                allowMethods: "GET,POST,PUT,DELETE,OPTIONS",
                allowHeaders: "Content-Type, Accept, Authorization, x-session-id",
                exposeHeaders: "x-request-id, x-ratelimit-limit, x-ratelimit-remaining, retry-after",
                allowCredentials: true
            ),
            credentials: [
                "cron": .bearer(equals: env["CRON_SECRET"], whenUnset: .rejectAll, failure: Credential.unauthorized()),
            ],
            errors: ErrorShape { $0.code }
        )
    }
}

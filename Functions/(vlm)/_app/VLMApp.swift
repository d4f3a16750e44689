import EdgeRuntime

/// System 004, the VLM API and prompt library on KV (CONTRACTS §5).
///
/// - CORS (§5.2): `*`, or the listed `ALLOWED_ORIGINS` echoed with `Vary: Origin`; preflights answer 200.
/// - Credentials: `admin` is `X-Admin-Token` = `ADMIN_TOKEN` (unset: nobody is admin); `read` is
///   `Authorization: Bearer READ_BEARER_TOKEN`, required only under `REQUIRE_READ_AUTH=1` (then an unset
///   token admits nobody); `cron` is `Authorization: Bearer CRON_SECRET`. Writes check `admin`
///   themselves, after their rate limit (§5.6's order).
/// - Errors: the envelope with 004's native `error` texts for the runtime's own errors.
struct VLMApp: EdgeApp {
    func policy(_ env: Environment) -> AppPolicy {
        AppPolicy(
            cors: CORS(
                origins: .init(parsing: env["ALLOWED_ORIGINS"]),
                allowMethods: "GET, POST, PUT, DELETE, OPTIONS",
                allowHeaders: "content-type, authorization, x-admin-token, x-nonce",
                exposeHeaders: "x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset, retry-after, x-cache, x-request-id, content-disposition, x-backup-location"
            ),
            preflightStatus: .ok,
            credentials: [
                "admin": .header("x-admin-token", equals: env["ADMIN_TOKEN"], whenUnset: .rejectAll, failure: Credential.unauthorized()),
                "read": env.bool("REQUIRE_READ_AUTH")
                    ? .bearer(equals: env["READ_BEARER_TOKEN"], whenUnset: .rejectAll, failure: Credential.unauthorized())
                    : .off,
                "cron": .bearer(equals: env["CRON_SECRET"], whenUnset: .rejectAll, failure: Credential.unauthorized()),
            ],
            errors: ErrorShape(nativeText: Self.nativeText)
        )
    }

    /// 004's native `error` texts for errors raised by the runtime and its helpers (limits, KV, fetch).
    static func nativeText(_ e: HTTPError) -> String? {
        switch e.code {
        case "invalid_json": return "Invalid JSON"
        case "payload_too_large", "value_too_large": return "Payload too large"
        case "invalid_multipart": return "Invalid multipart body"
        case "storage_unavailable": return "Storage unavailable"
        case "upstream_error": return "Upstream error"
        case "upstream_timeout": return "Upstream timeout"
        case "unsupported_media_type": return "Unsupported media type"
        case "invalid_kv_request": return "Invalid request"
        default: return nil
        }
    }
}

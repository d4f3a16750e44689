import EdgeRuntime

/// System 000, the Director extension backend (CONTRACTS §1): CORS from `CORS_ORIGINS` on every
/// response (preflights 204, before auth), and `x-api-key` equal to `BACKEND_API_KEY` (trimmed, constant
/// time) on every route that does not opt out, while that key is set.
struct DirectorApp: EdgeApp {
    func policy(_ env: Environment) -> AppPolicy {
        AppPolicy(
            cors: CORS(origins: .init(parsing: env["CORS_ORIGINS"]), allowMethods: "GET,PUT,DELETE,OPTIONS",
                       allowHeaders: "Content-Type, X-Api-Key", maxAge: 86400),
            credentials: [
                "apiKey": .header("x-api-key", equals: env["BACKEND_API_KEY"], whenUnset: .admitAll, trimmed: true),
            ],
            defaultCredential: "apiKey"
        )
    }
}

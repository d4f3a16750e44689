import EdgeRuntime

/// System 003, the Persephone UI backend (CONTRACTS §4): upload → prepare → deploy → monitor.
///
/// - CORS (§4.1): `CORS_ORIGINS` (default `http://localhost:3000`) echoed with
///   `Access-Control-Allow-Credentials: true` and `Vary: Origin`, never `*`; another origin gets no
///   `Access-Control-Allow-Origin`. Preflights answer 204 with `GET, POST, OPTIONS` and `Content-Type`.
/// - Sessions: every route notes the anonymous `psphn_session` cookie (``PersephoneSession``).
/// - Errors: `{"message"}` inside the §0.4 envelope (`error` repeats `message`), the runtime's own
///   405 and 413 included (``PersephoneErrors``).
struct PersephoneApp: EdgeApp {
    func policy(_ env: Environment) -> AppPolicy {
        AppPolicy(
            cors: CORS(
                origins: .list(PersephoneConfig(env).corsOrigins),
                allowMethods: "GET, POST, OPTIONS",
                allowHeaders: "Content-Type",
                allowCredentials: true
            ),
            errors: PersephoneErrors.shape
        )
    }
}

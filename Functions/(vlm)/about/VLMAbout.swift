import EdgeRuntime

/// `GET /about`: metadata, the seed's route list and the regex config (§5.2).
struct VLMAbout: EdgeFunction {
    static let methods: HTTPMethods = [.get, .head]

    static let routes = [
        "GET /healthz", "GET /about", "POST /v1/vision/analyze", "POST /v1/vision/stream",
        "GET /v1/prompts", "POST /v1/prompts", "GET /v1/prompts/:id", "PUT /v1/prompts/:id",
        "GET /v1/prompts/default", "PUT /v1/prompts/:id/default",
    ]

    func handle(_ request: Request, context: Context) async throws -> Response {
        let env = context.env
        let production = !(env["DENO_DEPLOYMENT_ID"] ?? "").isEmpty
            || env["EDGE_ENV"] == "production" || env["VERCEL_ENV"] == "production"
        let regex: VLMRegexConfig.Value
        if let kv = try? context.kv {
            regex = await VLMRegexConfig.current(kv, env: env)
        } else {
            regex = .init(pattern: VLMRegexConfig.defaultPattern, flags: VLMRegexConfig.defaultFlags, source: "default")
        }
        return .json(.object([
            "name": "vlm-api-deno", "version": "1.0.0",
            "environment": .string(production ? "production" : "dev"),
            "routes": .array(Self.routes.map { .string($0) }),
            "config": .object(["regex_cleanup": regex.json]),
        ]))
    }
}

import EdgeRuntime

/// `GET /v1/prompts/default?namespace=&lang=` (matched before `/v1/prompts/:id`). CONTRACTS §5.5.
struct VLMPromptDefault: EdgeFunction {
    static let methods: HTTPMethods = [.get, .head, .options]

    func handle(_ request: Request, context: Context) async throws -> Response {
        await VLM.run(request, context, route: "/v1/prompts/default") { ex in
            try await VLMPromptRoutes.getDefault(request, context, ex)
        }
    }
}

import EdgeRuntime

/// `GET /v1/prompts` (list) and `POST /v1/prompts` (create, admin). CONTRACTS §5.5.
struct VLMPrompts: EdgeFunction {
    static let methods: HTTPMethods = [.get, .head, .post, .options]

    func handle(_ request: Request, context: Context) async throws -> Response {
        await VLM.run(request, context, route: "/v1/prompts") { ex in
            request.method == .post
                ? try await VLMPromptRoutes.create(request, context, ex)
                : try await VLMPromptRoutes.list(request, context, ex)
        }
    }
}

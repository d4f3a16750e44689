import EdgeRuntime

/// `PUT /v1/prompts/:id/default` (admin, no body) -> `{"success": true}`. CONTRACTS §5.5.
struct VLMPromptSetDefault: EdgeFunction {
    static let methods: HTTPMethods = [.put, .options]

    func handle(_ request: Request, context: Context) async throws -> Response {
        await VLM.run(request, context, route: "/v1/prompts/:id/default") { ex in
            try await VLMPromptRoutes.setDefault(request, context, ex)
        }
    }
}

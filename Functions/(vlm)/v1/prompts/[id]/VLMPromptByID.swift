import EdgeRuntime

/// `GET`, `PUT` (admin) and `DELETE` (admin) `/v1/prompts/:id`. CONTRACTS §5.5.
struct VLMPromptByID: EdgeFunction {
    static let methods: HTTPMethods = [.get, .head, .put, .delete, .options]

    func handle(_ request: Request, context: Context) async throws -> Response {
        await VLM.run(request, context, route: "/v1/prompts/:id") { ex in
            switch request.method {
            case .put: return try await VLMPromptRoutes.update(request, context, ex)
            case .delete: return try await VLMPromptRoutes.delete(request, context, ex)
            default: return try await VLMPromptRoutes.get(request, context, ex)
            }
        }
    }
}

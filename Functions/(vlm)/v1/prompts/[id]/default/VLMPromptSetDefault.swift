import EdgeRuntime

/// `PUT /v1/prompts/:id/default` (rate limit, admin, nonce; no body) -> `{"success": true}`; 400
/// "Failed to set default" for a missing or inactive prompt. CONTRACTS §5.5.
struct VLMPromptSetDefault: EdgeFunction {
    static let methods: HTTPMethods = [.put]

    func handle(_ request: Request, context: Context) async throws -> Response {
        let nonce = try await VLMWriteGuard.admit(.set_default, request: request, context: context)
        let failed = VLM.error(.badRequest, "Failed to set default", code: "set_default_failed",
                               message: "The prompt does not exist or is inactive")
        guard let id = VLM.promptId(request.parameters["id"]) else { throw failed }
        let store = VLMPromptStore(kv: try context.kv, logger: context.logger)
        switch try await store.setDefault(id: id, nonce: nonce) {
        case .failed: throw failed
        case .ok(let p, let previous):
            VLMCache.shared.invalidate(store.kv, prompts: [id] + (previous.map { [$0] } ?? []), namespaces: [p.namespace])
            return .json(.object(["success": .bool(true)]))
        }
    }
}

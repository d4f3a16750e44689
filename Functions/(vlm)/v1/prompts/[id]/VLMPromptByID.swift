import EdgeRuntime

/// `GET /v1/prompts/:id` (`read` credential, cached), `PUT` and `DELETE` (rate limit, admin, nonce).
/// CONTRACTS §5.5. An id that is not 1 ... 2^53 in digits is a missing prompt.
struct VLMPromptByID: EdgeFunction {
    static let methods: HTTPMethods = [.get, .head, .put, .delete]

    func handle(_ request: Request, context: Context) async throws -> Response {
        let store = VLMPromptStore(kv: try context.kv, logger: context.logger)
        switch request.method {
        case .put:
            let nonce = try await VLMWriteGuard.admit(.update, request: request, context: context)
            let patch = try VLMPromptInput.patch(try await VLM.jsonObject(request))
            guard let id = VLM.promptId(request.parameters["id"]) else { throw VLM.notFound() }
            let (old, new) = try await store.update(id: id, patch: patch, nonce: nonce)
            VLMCache.shared.invalidate(store.kv, prompts: [id], namespaces: [old.namespace, new.namespace])
            return .json(new.json)
        case .delete:
            let nonce = try await VLMWriteGuard.admit(.delete, request: request, context: context)
            guard let id = VLM.promptId(request.parameters["id"]) else { throw VLM.notFound() }
            if let p = try await store.delete(id: id, nonce: nonce) {
                VLMCache.shared.invalidate(store.kv, prompts: [id], namespaces: [p.namespace])
            } else {
                VLMCache.shared.clear(store.kv)  // a corrupt record: its namespace is unknown
            }
            return .json(.object(["success": .bool(true)]))
        default:
            try context.authorize("read")
            guard let id = VLM.promptId(request.parameters["id"]) else { throw VLM.notFound() }
            // The cache holds the answer's bytes, so a hit serialises nothing.
            let body = try await VLMCache.shared.value(
                VLMCache.promptKey(id), ttlMs: VLMCache.promptTTLms, kv: store.kv,
                generation: try await store.generation(), context: context
            ) { try await store.get(id).map { $0.json.serialized } }
            guard let body else { throw VLM.notFound() }
            return .jsonBytes(body)
        }
    }
}

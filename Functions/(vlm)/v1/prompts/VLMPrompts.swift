import EdgeRuntime

/// `GET /v1/prompts?namespace=default&lang=&active=&limit=50` (list, `read` credential) and
/// `POST /v1/prompts` (create: rate limit, admin, nonce). CONTRACTS §5.5.
struct VLMPrompts: EdgeFunction {
    static let methods: HTTPMethods = [.get, .head, .post]

    func handle(_ request: Request, context: Context) async throws -> Response {
        let store = VLMPromptStore(kv: try context.kv, logger: context.logger)
        if request.method == .post {
            let nonce = try await VLMWriteGuard.admit(.create, request: request, context: context)
            let input = try VLMPromptInput.create(try await VLM.jsonObject(request))
            let p = try await store.create(input, nonce: nonce)
            if input.makeDefault { VLMCache.shared.clear(store.kv) } else {
                VLMCache.shared.invalidate(store.kv, prompts: [p.id], namespaces: [p.namespace])
            }
            return .json(p.json, status: .created)
        }

        try context.authorize("read")
        let q = request.query
        let namespace = q["namespace"].flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        let lang = q["lang"].flatMap { $0.isEmpty ? nil : $0 }
        let active: Bool? = q["active"].flatMap { $0.isEmpty ? nil : $0 == "1" }
        var limit = VLM.parseInt(q["limit"]) ?? 50
        if limit < 1 { limit = 50 }
        limit = min(limit, 100)
        let list = try await VLMCache.shared.value(
            VLMCache.listKey(namespace, lang, active), ttlMs: VLMCache.listTTLms, kv: store.kv,
            generation: try await store.generation(), context: context
        ) { VLMPromptList(try await store.list(namespace: namespace, lang: lang, active: active)) }
        return .json([:], rawMembers: [("items", list?.itemsJSON(limit: limit) ?? Array("[]".utf8))])
    }
}

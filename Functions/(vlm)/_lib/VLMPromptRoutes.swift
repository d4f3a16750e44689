import EdgeRuntime

/// Shared logic of the prompt routes (§5.5).
enum VLMPromptRoutes {
    /// JavaScript `parseInt` on a query value (leading integer, else nil).
    static func parseInt(_ s: String?) -> Int? {
        guard let s else { return nil }
        var t = Substring(s.trimmingSpaces)
        var negative = false
        if let f = t.first, f == "-" || f == "+" { negative = f == "-"; t = t.dropFirst() }
        let digits = t.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let n = Int(digits.prefix(15)) else { return nil }
        return negative ? -n : n
    }

    static func store(_ context: Context) throws -> VLMPromptStore { VLMPromptStore(kv: try context.kv) }

    /// `GET /v1/prompts?namespace=default&lang=&active=&limit=50`
    static func list(_ request: Request, _ context: Context, _ ex: VLMExchange) async throws -> Response {
        try VLM.requireRead(request, context.env)
        let q = request.query
        let namespace = q["namespace"].flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        let lang = q["lang"].flatMap { $0.isEmpty ? nil : $0 }
        let active: Bool? = q["active"].flatMap { $0.isEmpty ? nil : $0 == "1" }
        var limit = parseInt(q["limit"]) ?? 50
        if limit < 1 { limit = 50 }
        limit = min(limit, 100)
        let store = try store(context)
        let items = try await cachedList(store, namespace: namespace, lang: lang, active: active, context: context, ex: ex)
        return .vlmJSON(.obj(["items": .array(items.prefix(limit).map(\.json))]))
    }

    static func cachedList(_ store: VLMPromptStore, namespace: String, lang: String?, active: Bool?, context: Context, ex: VLMExchange) async throws -> [VLMPrompt] {
        let cache = VLMCache.shared
        let key = VLMCache.listKey(namespace, lang, active)
        let gen = try await store.generation()
        cache.observe(store.kv, generation: gen)
        if let hit = cache.get(store.kv, key, as: [VLMPrompt].self) {
            context.logger.info("[CACHE] HIT: \(key)")
            ex.cache = "HIT"
            ex.setHeader("X-Cache", "HIT")
            return hit
        }
        let items = try await store.list(namespace: namespace, lang: lang, active: active)
        cache.set(store.kv, key, items, ttlMs: VLMCache.listTTLms, generation: gen)
        context.logger.info("[CACHE] MISS: \(key)")
        ex.cache = "MISS"
        ex.setHeader("X-Cache", "MISS")
        return items
    }

    static func cachedPrompt(_ store: VLMPromptStore, id: Int, context: Context, ex: VLMExchange) async throws -> VLMPrompt? {
        let cache = VLMCache.shared
        let key = VLMCache.promptKey(id)
        let gen = try await store.generation()
        cache.observe(store.kv, generation: gen)
        if let hit = cache.get(store.kv, key, as: VLMPrompt.self) {
            context.logger.info("[CACHE] HIT: \(key)")
            ex.cache = "HIT"
            ex.setHeader("X-Cache", "HIT")
            return hit
        }
        let p = try await store.get(id)
        if let p { cache.set(store.kv, key, p, ttlMs: VLMCache.promptTTLms, generation: gen) }
        context.logger.info("[CACHE] MISS: \(key)")
        ex.cache = "MISS"
        ex.setHeader("X-Cache", "MISS")
        return p
    }

    /// `POST /v1/prompts`
    static func create(_ request: Request, _ context: Context, _ ex: VLMExchange) async throws -> Response {
        let nonce = try await VLMWriteGuard.admit(.create, request: request, context: context, exchange: ex)
        let input = try VLMPromptInput.create(try await VLM.jsonObject(request))
        let store = try store(context)
        let p = try await store.create(input, nonce: nonce)
        if input.makeDefault { VLMCache.shared.clear(store.kv) } else {
            VLMCache.shared.invalidate(store.kv, prompts: [p.id], namespaces: [p.namespace])
        }
        return .vlmJSON(p.json, status: .created)
    }

    /// `GET /v1/prompts/:id`
    static func get(_ request: Request, _ context: Context, _ ex: VLMExchange) async throws -> Response {
        try VLM.requireRead(request, context.env)
        guard let id = VLM.promptId(request.parameters["id"]) else { throw VLM.notFound() }
        guard let p = try await cachedPrompt(try store(context), id: id, context: context, ex: ex) else { throw VLM.notFound() }
        return .vlmJSON(p.json)
    }

    /// `PUT /v1/prompts/:id`
    static func update(_ request: Request, _ context: Context, _ ex: VLMExchange) async throws -> Response {
        let nonce = try await VLMWriteGuard.admit(.update, request: request, context: context, exchange: ex)
        let patch = try VLMPromptInput.patch(try await VLM.jsonObject(request))
        guard let id = VLM.promptId(request.parameters["id"]) else { throw VLM.notFound() }
        let store = try store(context)
        let (old, new) = try await store.update(id: id, patch: patch, nonce: nonce)
        VLMCache.shared.invalidate(store.kv, prompts: [id], namespaces: [old.namespace, new.namespace])
        return .vlmJSON(new.json)
    }

    /// `DELETE /v1/prompts/:id`
    static func delete(_ request: Request, _ context: Context, _ ex: VLMExchange) async throws -> Response {
        let nonce = try await VLMWriteGuard.admit(.delete, request: request, context: context, exchange: ex)
        guard let id = VLM.promptId(request.parameters["id"]) else { throw VLM.notFound() }
        let store = try store(context)
        let p = try await store.delete(id: id, nonce: nonce)
        VLMCache.shared.invalidate(store.kv, prompts: [id], namespaces: [p.namespace])
        return .vlmJSON(.obj(["success": .bool(true)]))
    }

    /// `PUT /v1/prompts/:id/default`
    static func setDefault(_ request: Request, _ context: Context, _ ex: VLMExchange) async throws -> Response {
        let nonce = try await VLMWriteGuard.admit(.set_default, request: request, context: context, exchange: ex)
        let failed = VLM.error(.badRequest, "Failed to set default", code: "set_default_failed",
                               message: "The prompt does not exist or is inactive")
        guard let id = VLM.promptId(request.parameters["id"]) else { throw failed }
        let store = try store(context)
        switch try await store.setDefault(id: id, nonce: nonce) {
        case .failed: throw failed
        case .ok(let p, let previous):
            VLMCache.shared.invalidate(store.kv, prompts: [id] + (previous.map { [$0] } ?? []), namespaces: [p.namespace])
            return .vlmJSON(.obj(["success": .bool(true)]))
        }
    }

    /// `GET /v1/prompts/default?namespace=default&lang=en`
    static func getDefault(_ request: Request, _ context: Context, _ ex: VLMExchange) async throws -> Response {
        try VLM.requireRead(request, context.env)
        let q = request.query
        let namespace = q["namespace"].flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        let lang = q["lang"].flatMap { $0.isEmpty ? nil : $0 } ?? "en"
        guard let p = try await store(context).defaultPrompt(namespace: namespace, lang: lang) else {
            throw VLM.error(.notFound, "No default prompt", code: "not_found")
        }
        return .vlmJSON(p.json)
    }
}

import EdgeRuntime

/// `GET /v1/prompts/default?namespace=default&lang=en` (`read` credential; matched before
/// `/v1/prompts/:id`). CONTRACTS §5.5.
struct VLMPromptDefault: EdgeFunction {
    static let methods: HTTPMethods = [.get, .head]

    func handle(_ request: Request, context: Context) async throws -> Response {
        try context.authorize("read")
        let q = request.query
        let namespace = q["namespace"].flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        let lang = q["lang"].flatMap { $0.isEmpty ? nil : $0 } ?? "en"
        guard let p = try await VLMPromptStore(kv: try context.kv, logger: context.logger).defaultPrompt(namespace: namespace, lang: lang) else {
            throw VLM.error(.notFound, "No default prompt", code: "not_found")
        }
        return .json(p.json)
    }
}

import EdgeRuntime

/// `POST /v1/vision/analyze` (JSON or multipart/form-data): the provider's status and JSON passed
/// through; `stream: true` / `?stream=1` answers like `/v1/vision/stream`. CONTRACTS §5.3.
struct VLMVisionAnalyze: EdgeFunction {
    static let methods: HTTPMethods = [.post, .options]

    func handle(_ request: Request, context: Context) async throws -> Response {
        await VLM.run(request, context, route: "/v1/vision/analyze") { ex in
            try await VLMVision.analyze(request, context: context, exchange: ex)
        }
    }
}

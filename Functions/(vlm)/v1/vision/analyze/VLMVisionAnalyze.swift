import EdgeRuntime

/// `POST /v1/vision/analyze` (JSON or multipart/form-data): the provider's status and JSON passed
/// through; `stream: true` / `?stream=1` answers like `/v1/vision/stream`. CONTRACTS §5.3.
struct VLMVisionAnalyze: EdgeFunction {
    static let methods: HTTPMethods = [.post]

    func handle(_ request: Request, context: Context) async throws -> Response {
        let (input, upstream) = try await VLMVision.send(request, context: context, forceStream: false)
        if input.stream { return try await VLMVision.streamResponse(upstream, context: context) }
        return try await VLMVision.passJSON(upstream)
    }
}

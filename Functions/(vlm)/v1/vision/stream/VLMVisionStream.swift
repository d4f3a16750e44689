import EdgeRuntime

/// `POST /v1/vision/stream`: the provider's SSE passed through unchanged and unbuffered, no total
/// timeout, `: keep-alive` comments while the upstream is silent, upstream aborted when the client
/// leaves. CONTRACTS §5.3.
struct VLMVisionStream: EdgeFunction {
    static let methods: HTTPMethods = [.post, .options]

    func handle(_ request: Request, context: Context) async throws -> Response {
        await VLM.run(request, context, route: "/v1/vision/stream") { ex in
            try await VLMVision.stream(request, context: context, exchange: ex)
        }
    }
}

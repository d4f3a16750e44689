import EdgeRuntime

/// `POST /v1/vision/stream`: the provider's SSE passed through unchanged and unbuffered, no total
/// timeout, `: keep-alive` comments while the upstream is silent, upstream aborted when the client
/// leaves. CONTRACTS §5.3.
struct VLMVisionStream: EdgeFunction {
    static let methods: HTTPMethods = [.post]

    func handle(_ request: Request, context: Context) async throws -> Response {
        let (_, upstream) = try await VLMVision.send(request, context: context, forceStream: true)
        return try await VLMVision.streamResponse(upstream, context: context)
    }
}

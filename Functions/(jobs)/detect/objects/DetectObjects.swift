import EdgeRuntime

/// `POST /detect/objects` (system 002, CONTRACTS §3.3): the detector, synchronously.
///
/// Body `{"imageBase64": "data:image/…;base64,…", "minScore"?: 0.35, "debugSleepMs"?: 0}` (422
/// `validation_error` otherwise) → 200 `{"objects":[{"x","y","width","height","label","score"}],
/// "modelVersion","latencyMs","requestId"}`. An image that does not decode (not PNG or JPEG, truncated,
/// corrupt, or a header past the decode limits) → 400 `invalid_image_payload`. The decode and the
/// detector run on a ``CPUWork`` thread, never on the event loop.
struct DetectObjects: EdgeFunction {
    static let methods: HTTPMethods = [.post]

    func handle(_ request: Request, context: Context) async throws -> Response {
        let input = try await DetectInput.parse(request, job: false)
        let clock = ContinuousClock()
        let t0 = clock.now
        if input.debugSleepMs > 0 { try await Task.sleep(for: .milliseconds(input.debugSleepMs)) }
        let dataURL = input.imageBase64, minScore = input.minScore
        let outcome = try await CPUWork.run { Detector.result(dataURL: dataURL, minScore: minScore) }
        switch outcome {
        case .failure(let f): throw JobsErrors.invalidImage(f.reason)
        case .success(let boxes):
            let body: JSONValue = [
                "objects": Detector.json(boxes),
                "modelVersion": .string(JobsLimits.modelVersion),
                "latencyMs": .number(JobRunner.milliseconds(clock.now - t0)),
                "requestId": .string(context.requestId),
            ]
            return .json(body)
        }
    }
}

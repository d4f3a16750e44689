public import Tracing

/// A tracer that samples root spans itself and lets the server ask first (Docs/Decisions/0027): a request
/// it does not sample then makes no span and binds no context at all, only ``UnsampledTrace``.
public protocol RootSampling: Sendable {
    /// Draws for one root span: nil when it is to be recorded (then ``startSampledRoot(_:ofKind:)``), else a
    /// new unsampled trace.
    func unsampledRoot() -> UnsampledTrace?

    /// Starts a root span that ``unsampledRoot()`` chose to record, without drawing again.
    func startSampledRoot(_ operationName: String, ofKind kind: SpanKind) -> any Span
}

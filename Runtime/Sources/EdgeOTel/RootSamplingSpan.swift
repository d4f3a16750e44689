import Tracing

/// A span of ``RootSamplingTracer``: swift-otel's, or none at all for a trace it did not sample (then only
/// its context exists, and every change is ignored as on a no-op span).
struct RootSamplingSpan: Span {
    private let recorded: (any Span)?
    let context: InstrumentationContext

    init(_ span: any Span) {
        recorded = span
        context = span.context
    }

    init(unsampled context: InstrumentationContext) {
        recorded = nil
        self.context = context
    }

    var isRecording: Bool { recorded?.isRecording ?? false }

    var operationName: String {
        get { recorded?.operationName ?? "" }
        nonmutating set { if let recorded { recorded.operationName = newValue } }
    }

    var attributes: SpanAttributes {
        get { recorded?.attributes ?? [:] }
        nonmutating set { if let recorded { recorded.attributes = newValue } }
    }

    func setStatus(_ status: SpanStatus) {
        recorded?.setStatus(status)
    }

    func addEvent(_ event: SpanEvent) {
        recorded?.addEvent(event)
    }

    func recordError<Instant: TracerInstant>(_ error: any Error, attributes: SpanAttributes, at instant: @autoclosure () -> Instant) {
        recorded?.recordError(error, attributes: attributes, at: instant())
    }

    func addLink(_ link: SpanLink) {
        recorded?.addLink(link)
    }

    func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {
        recorded?.end(at: instant())
    }
}

import Tracing

/// A span of ``RootSamplingTracer``: swift-otel's, or none at all for a trace it did not sample (then only
/// its context exists, and every change is ignored as on a no-op span).
///
/// Two words (a reference and a context), so that it fits an existential's inline buffer: the request path
/// holds it as `any Span`, and an unsampled request then allocates nothing for it. The rare recorded span
/// is boxed once (``Recorded``).
struct RootSamplingSpan: Span {
    private let recorded: Recorded?
    let context: InstrumentationContext

    /// swift-otel's span, behind one reference.
    final class Recorded: Sendable {
        let span: any Span
        init(_ span: any Span) { self.span = span }
    }

    init(_ span: any Span) {
        recorded = Recorded(span)
        context = span.context
    }

    init(unsampled context: InstrumentationContext) {
        recorded = nil
        self.context = context
    }

    var isRecording: Bool { recorded?.span.isRecording ?? false }

    var operationName: String {
        get { recorded?.span.operationName ?? "" }
        nonmutating set { if let recorded { recorded.span.operationName = newValue } }
    }

    var attributes: SpanAttributes {
        get { recorded?.span.attributes ?? [:] }
        nonmutating set { if let recorded { recorded.span.attributes = newValue } }
    }

    func setStatus(_ status: SpanStatus) {
        recorded?.span.setStatus(status)
    }

    func addEvent(_ event: SpanEvent) {
        recorded?.span.addEvent(event)
    }

    func recordError<Instant: TracerInstant>(_ error: any Error, attributes: SpanAttributes, at instant: @autoclosure () -> Instant) {
        recorded?.span.recordError(error, attributes: attributes, at: instant())
    }

    func addLink(_ link: SpanLink) {
        recorded?.span.addLink(link)
    }

    func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {
        recorded?.span.end(at: instant())
    }
}

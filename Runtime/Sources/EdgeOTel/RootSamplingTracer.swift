import EdgeTrace
import OTel
import Tracing

/// swift-otel's tracer with the root-span sampling decision taken first, so that a trace that is not
/// sampled costs no span (Docs/Decisions/0024, 0027).
///
/// swift-otel creates a span object for every span it is asked for, sampled or not, drawing its ids from a
/// mutex-guarded `SystemRandomNumberGenerator` (a system call per id, under a lock every event loop shares):
/// at 1% sampling that cost most of the request rate. This tracer is the process's (bootstrapped as
/// `InstrumentationSystem`'s by ``TraceExport``), so it sees every span: the request's, `kv.commit`, `fetch`
/// and any a handler starts itself. A root span (no parent in its context) is sampled with ``RootSampler``'s
/// probability before swift-otel sees it:
/// - sampled: swift-otel starts it (its own sampler is `parentbased_always_on`, so it records it) and every
///   span under it, exactly as swift-otel alone would;
/// - not sampled: no span is made. Its context holds only a fresh trace id and span id
///   (``UnsampledTraceKey``); every span started under it is the same nothing with the same context,
///   `inject` propagates that trace as a `traceparent` with the `sampled` flag clear, and the access log
///   shows its id. swift-otel never sees the trace.
/// The server asks first (``RootSampling``): a request it is told not to sample makes no span and binds no
/// context, only ``UnsampledTrace``, which this tracer reads for the spans started under it.
/// A span with any other parent (an incoming `traceparent`, a sampled span of this process) goes to
/// swift-otel unchanged.
struct RootSamplingTracer: Tracer, RootSampling {
    let base: any Tracer
    let sampler: RootSampler

    /// `base` wrapped to sample roots with `sampler`, or `base` itself when `base` does not propagate W3C
    /// trace context (`OTEL_PROPAGATORS=none`): this tracer carries an unsampled trace as a `traceparent`,
    /// which that setting turns off.
    static func wrapping(_ base: any Tracer, sampler: RootSampler) -> any Tracer {
        var probe = InstrumentationContext.topLevel
        base.extract(TraceIDs.unsampledTrace().traceParent, into: &probe, using: TraceParentExtractor())
        guard probe.otelTraceID != nil, !probe.otelIsSampled else { return base }
        return RootSamplingTracer(base: base, sampler: sampler)
    }

    func startSpan<Instant: TracerInstant>(
        _ operationName: String, context: @autoclosure () -> InstrumentationContext, ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant, function: String, file fileID: String, line: UInt
    ) -> RootSamplingSpan {
        let parent = context()
        // A context's lookups are a generic dictionary's, not specialised here: an empty one is a root, or a
        // span of a request the server did not sample (``UnsampledTrace``), without asking it.
        if parent.isEmpty {
            if let trace = UnsampledTrace.current { return unsampled(parent, trace) }
            if sampler.samplesNextRoot() { return recorded(operationName, parent, kind, instant(), function, fileID, line) }
        } else {
            // Under an unsampled root: nothing, in the root's context (its trace id, its span id as the parent
            // of whatever is propagated further).
            if parent[UnsampledTraceKey.self] != nil { return RootSamplingSpan(unsampled: parent) }
            if parent.otelIsSampled || parent.otelTraceID != nil || sampler.samplesNextRoot() {
                return recorded(operationName, parent, kind, instant(), function, fileID, line)
            }
        }
        return unsampled(parent, TraceIDs.unsampledTrace())
    }

    /// No span: `parent` carrying the unsampled trace `trace`.
    private func unsampled(_ parent: InstrumentationContext, _ trace: UnsampledTrace) -> RootSamplingSpan {
        var context = parent
        context[UnsampledTraceKey.self] = trace
        return RootSamplingSpan(unsampled: context)
    }

    func unsampledRoot() -> UnsampledTrace? {
        sampler.samplesNextRoot() ? nil : TraceIDs.unsampledTrace()
    }

    func startSampledRoot(_ operationName: String, ofKind kind: SpanKind) -> any Span {
        RootSamplingSpan(base.startSpan(operationName, context: .topLevel, ofKind: kind))
    }

    private func recorded<Instant: TracerInstant>(
        _ operationName: String, _ parent: InstrumentationContext, _ kind: SpanKind, _ instant: Instant, _ function: String, _ fileID: String, _ line: UInt
    ) -> RootSamplingSpan {
        RootSamplingSpan(base.startSpan(operationName, context: parent, ofKind: kind, at: instant, function: function, file: fileID, line: line))
    }

    /// swift-otel's extract, skipped when there is no `traceparent`: this tracer exists only when swift-otel
    /// propagates W3C trace context (see ``wrapping(_:sampler:)``; swift-otel implements no other propagator),
    /// which extracts nothing without that header, and most requests carry none.
    func extract<Carrier, Extract: Extractor>(_ carrier: Carrier, into context: inout InstrumentationContext, using extractor: Extract)
    where Extract.Carrier == Carrier {
        guard extractor.extract(key: "traceparent", from: carrier) != nil else { return }
        base.extract(carrier, into: &context, using: extractor)
    }

    /// The unsampled root's `traceparent` as it was made, for the root and everything under it; else
    /// swift-otel's.
    func inject<Carrier, Inject: Injector>(_ context: InstrumentationContext, into carrier: inout Carrier, using injector: Inject)
    where Inject.Carrier == Carrier {
        if let trace = context[UnsampledTraceKey.self] {
            injector.inject(trace.traceParent, forKey: "traceparent", into: &carrier)
        } else {
            base.inject(context, into: &carrier, using: injector)
        }
    }

    /// The trace of an unsampled root span, in its context and every context under it.
    enum UnsampledTraceKey: ServiceContextKey {
        typealias Value = UnsampledTrace
    }

    @available(*, deprecated)
    func forceFlush() {
        base.forceFlush()
    }

    /// A `traceparent` value as the only field of a carrier.
    struct TraceParentExtractor: Extractor {
        func extract(key: String, from carrier: String) -> String? {
            key == "traceparent" ? carrier : nil
        }
    }
}

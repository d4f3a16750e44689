import OTel
import Tracing

/// swift-otel's tracer with the root-span sampling decision taken first, so that a trace that is not
/// sampled costs no span (Docs/Decisions/0024).
///
/// swift-otel creates a span object for every span it is asked for, sampled or not, drawing its ids from a
/// mutex-guarded `SystemRandomNumberGenerator` (a system call per id, under a lock every event loop shares):
/// at 1% sampling that cost most of the request rate. Here a root span (no parent in its context) is
/// sampled with ``RootSampler``'s probability before swift-otel sees it:
/// - sampled: swift-otel starts it (its own sampler is `parentbased_always_on`, so it records it) and every
///   span under it, exactly as before;
/// - not sampled: no span is made. The span's context holds a fresh trace id and span id, as the trace's
///   remote parent with the `sampled` flag clear, in swift-otel's own representation (its `extract` of
///   `00-<trace id>-<span id>-00`). So children (`kv.commit`, `fetch`) follow the parent and are dropped by
///   swift-otel, `inject` propagates that trace id unsampled to upstreams, and the access log shows it.
/// A span with a parent (an incoming `traceparent`, a span of this process) goes to swift-otel unchanged.
struct RootSamplingTracer: Tracer {
    let base: any Tracer
    let sampler: RootSampler

    /// `base` wrapped to sample roots with `sampler`, or `base` itself when `base` does not propagate W3C
    /// trace context (`OTEL_PROPAGATORS` without `tracecontext`): it could not carry an unsampled trace, and
    /// its children would start sampled traces of their own.
    static func wrapping(_ base: any Tracer, sampler: RootSampler) -> any Tracer {
        var probe = InstrumentationContext.topLevel
        base.extract(TraceIDs.unsampledTraceParent(), into: &probe, using: TraceParentExtractor())
        guard probe.otelTraceID != nil, !probe.otelIsSampled else { return base }
        return RootSamplingTracer(base: base, sampler: sampler)
    }

    func startSpan<Instant: TracerInstant>(
        _ operationName: String, context: @autoclosure () -> InstrumentationContext, ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant, function: String, file fileID: String, line: UInt
    ) -> RootSamplingSpan {
        let parent = context()
        if parent.otelTraceID != nil || sampler.samplesNextRoot() {
            return RootSamplingSpan(base.startSpan(operationName, context: parent, ofKind: kind, at: instant(), function: function, file: fileID, line: line))
        }
        let traceParent = TraceIDs.unsampledTraceParent()
        var unsampled = parent
        base.extract(traceParent, into: &unsampled, using: TraceParentExtractor())
        unsampled[UnsampledTraceParentKey.self] = traceParent
        return RootSamplingSpan(unsampled: unsampled)
    }

    /// swift-otel's extract, skipped when there is no `traceparent`: this tracer exists only when swift-otel
    /// propagates W3C trace context (see ``wrapping(_:sampler:)``; swift-otel implements no other propagator),
    /// which extracts nothing without that header, and most requests carry none.
    func extract<Carrier, Extract: Extractor>(_ carrier: Carrier, into context: inout InstrumentationContext, using extractor: Extract)
    where Extract.Carrier == Carrier {
        guard extractor.extract(key: "traceparent", from: carrier) != nil else { return }
        base.extract(carrier, into: &context, using: extractor)
    }

    /// The `traceparent` of an unsampled root as it was made (swift-otel would format its ids again: a
    /// measurable share of a request, for the access log's `traceId`), else swift-otel's.
    ///
    /// This tracer only starts the request spans (`EdgeApplication`'s tracer); their children are the process
    /// tracer's (swift-otel's), which injects their own span ids (the key below is copied into children's
    /// contexts, and this method must not be asked for theirs).
    func inject<Carrier, Inject: Injector>(_ context: InstrumentationContext, into carrier: inout Carrier, using injector: Inject)
    where Inject.Carrier == Carrier {
        if let traceParent = context[UnsampledTraceParentKey.self] {
            injector.inject(traceParent, forKey: "traceparent", into: &carrier)
        } else {
            base.inject(context, into: &carrier, using: injector)
        }
    }

    /// The `traceparent` of an unsampled root span, in its context.
    enum UnsampledTraceParentKey: ServiceContextKey {
        typealias Value = String
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

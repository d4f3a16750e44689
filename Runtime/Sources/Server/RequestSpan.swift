import EdgeRuntime
import EdgeTrace
import HTTPTypes
import Tracing

/// One request as a span, when the application has a tracer (``EdgeApplication``'s `tracer`).
///
/// The span's parent is what the tracer extracts from the request's headers (a valid W3C `traceparent`:
/// the same trace id, its parent id as parent), else it starts a trace. Its context is the task's while the
/// request is routed and handled, so `Context.fetch` and KV commits made for the request are its children
/// (`InstrumentationContext.current`). It is named `<METHOD> <route pattern>` (`GET /api/users/:id`), or
/// `<METHOD>` when no route matched (a raw path would make one span name per URL); its attributes follow
/// OpenTelemetry's HTTP server conventions: `http.request.method`, `url.path`, `http.route`,
/// `http.response.status_code`, and status error for a 5xx. It ends when the response is ready (a streamed
/// body's transfer comes after). Cron invocations are internal spans, the rest server spans.
///
/// A tracer that samples roots itself (``RootSampling``) is asked first for a request without `traceparent`;
/// one it does not sample makes no span and binds no context: its trace is ``UnsampledTrace`` alone.
///
/// A span that is not recording (a trace the tracer does not sample) gets no name, attributes or status: they
/// would be built only to be dropped. A recording span gets its attributes in one update, when the response
/// is ready (each update of an OTel span copies its attribute dictionary under a lock).
enum RequestSpan {
    /// The application's tracer and, when it samples roots itself, the same tracer as a ``RootSampling``:
    /// one reference, so that a request passes them on without copying existentials.
    final class Tracers: Sendable {
        let tracer: any Tracer
        let rootSampler: (any RootSampling)?

        init(_ tracer: any Tracer) {
            self.tracer = tracer
            self.rootSampler = tracer as? any RootSampling
        }
    }

    static func record(
        _ request: Request, tracers: Tracers, isCron: Bool,
        _ route: (Request) async -> EdgeApplication.Outcome
    ) async -> EdgeApplication.Outcome {
        let method = request.method.rawValue
        let kind: SpanKind = isCron ? .internal : .server
        if let rootSampler = tracers.rootSampler, !hasTraceParent(request) {
            // No `traceparent`: nothing to continue (`tracestate` alone is ignored, W3C Trace Context 3.3,
            // and a root sampler propagates W3C trace context only), so a root, drawn for here. Not sampled:
            // no span and no context, only the trace's ids in a task-local (Docs/Decisions/0027).
            guard let trace = rootSampler.unsampledRoot() else {
                return await recorded(request, method, rootSampler.startSampledRoot(method, ofKind: kind), tracer: tracers.tracer, route)
            }
            var outcome = await UnsampledTrace.$current.withValue(trace) { await route(request) }
            outcome.trace = trace.traceID
            return outcome
        }
        var parent = InstrumentationContext.topLevel
        let tracer = tracers.tracer
        tracer.extract(request.headers, into: &parent, using: HeaderExtractor())
        let span = tracer.startSpan(method, context: parent, ofKind: kind)
        return await recorded(request, method, span, tracer: tracer, route)
    }

    private static func hasTraceParent(_ request: Request) -> Bool {
        guard let name = HeaderExtractor.traceParent else { return false }
        return request.headers[name] != nil
    }

    /// Routes `request` inside `span` (its context the task's) and ends it when the response is ready.
    private static func recorded(
        _ request: Request, _ method: String, _ span: any Span, tracer: any Tracer, _ route: (Request) async -> EdgeApplication.Outcome
    ) async -> EdgeApplication.Outcome {
        var outcome = await InstrumentationContext.$current.withValue(span.context) {
            await route(request)
        }
        if span.isRecording {
            let status = outcome.response.status.code
            if let route = outcome.route { span.operationName = "\(method) \(route)" }
            span.updateAttributes { attributes in
                attributes["http.request.method"] = method
                attributes["url.path"] = request.path
                if let route = outcome.route { attributes["http.route"] = route }
                attributes["http.response.status_code"] = status
            }
            if status >= 500 { span.setStatus(SpanStatus(code: .error)) }
        }
        var traceParent: String? = nil
        tracer.inject(span.context, into: &traceParent, using: TraceParentReader())
        outcome.trace = TraceParent.traceId(writtenByTracer: traceParent)
        span.end()
        return outcome
    }

    /// Keeps the `traceparent` a tracer writes for a context, and nothing else: the access log's trace id.
    struct TraceParentReader: Injector, Sendable {
        func inject(_ value: String, forKey key: String, into carrier: inout String?) {
            if key == TraceParent.headerName { carrier = value }
        }
    }

    /// Reads trace headers (`traceparent`, `tracestate`...) from the request's fields. The W3C names are
    /// made once: `HTTPField.Name(_:)` validates and lowercases its text on every call.
    struct HeaderExtractor: Extractor, Sendable {
        static let traceParent = HTTPField.Name("traceparent")
        private static let traceState = HTTPField.Name("tracestate")

        func extract(key: String, from carrier: HTTPFields) -> String? {
            let name: HTTPField.Name? = switch key {
            case "traceparent": Self.traceParent
            case "tracestate": Self.traceState
            default: HTTPField.Name(key)
            }
            return name.flatMap { carrier[$0] }
        }
    }
}

import EdgeRuntime
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
/// A span that is not recording (a trace the tracer does not sample) gets no name, attributes or status: they
/// would be built only to be dropped. A recording span gets its attributes in one update, when the response
/// is ready (each update of an OTel span copies its attribute dictionary under a lock).
enum RequestSpan {
    static func record(
        _ request: Request, tracer: any Tracer, isCron: Bool,
        _ route: (Request) async -> EdgeApplication.Outcome
    ) async -> EdgeApplication.Outcome {
        var parent = InstrumentationContext.topLevel
        tracer.extract(request.headers, into: &parent, using: HeaderExtractor())
        let method = request.method.rawValue
        let span = tracer.startSpan(method, context: parent, ofKind: isCron ? .internal : .server)
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
        var carrier = TraceCarrier()
        tracer.inject(span.context, into: &carrier, using: TraceCarrier.Writer())
        outcome.traceId = carrier.traceParent?.traceId
        span.end()
        return outcome
    }

    /// Reads trace headers (`traceparent`, `tracestate`...) from the request's fields. The W3C names are
    /// made once: `HTTPField.Name(_:)` validates and lowercases its text on every call.
    struct HeaderExtractor: Extractor, Sendable {
        private static let traceParent = HTTPField.Name("traceparent"), traceState = HTTPField.Name("tracestate")

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

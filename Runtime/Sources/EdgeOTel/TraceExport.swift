public import ServiceLifecycle
public import Tracing
import OTel

/// Span export over OTLP/HTTP with swift-otel, switched on by the environment and by nothing else.
///
/// - `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) unset or empty: nothing is
///   created, `InstrumentationSystem` is left alone (its tracer stays the no-op one) and ``start(environment:)``
///   returns nil. The request path then makes no span objects at all (see `RequestSpan` in Server).
/// - Set: swift-otel's tracer is bootstrapped as the process's tracer and the returned ``Service`` (batch
///   processor and exporter) must run in the process's service group; its graceful shutdown flushes the
///   spans still queued. The returned tracer is what requests are recorded with: swift-otel's, behind
///   ``RootSamplingTracer`` when `OTEL_TRACES_SAMPLER` drops root spans (`parentbased_traceidratio` below 1,
///   `parentbased_always_off`), so that an unsampled request makes no span (Docs/Decisions/0024).
///
/// Only traces: swift-otel's logs and metrics stay off (the runtime has its own log handler and its own
/// shared-memory metrics, Docs/Decisions/0017). Every other `OTEL_*` variable swift-otel knows applies as it
/// documents: `OTEL_EXPORTER_OTLP_PROTOCOL` (`http/protobuf`, the default, or `http/json`; `grpc` is not
/// compiled in, Docs/Decisions/0021), `OTEL_SERVICE_NAME` (default `edge`), `OTEL_TRACES_SAMPLER`,
/// `OTEL_BSP_SCHEDULE_DELAY`... Each worker process of `edge serve` exports its own spans.
public enum TraceExport {
    /// Whether `environment` asks for span export.
    public static func isRequested(by environment: [String: String]) -> Bool {
        !(environment["OTEL_EXPORTER_OTLP_ENDPOINT"] ?? "").isEmpty || !(environment["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] ?? "").isEmpty
    }

    /// Bootstraps the OTLP tracer when `environment` asks for it and returns the tracer to record requests
    /// with and the exporter's service, else nil. Call at most once per process (`InstrumentationSystem` can
    /// be bootstrapped once). Throws swift-otel's configuration error for a bad `OTEL_*` value (say,
    /// `OTEL_EXPORTER_OTLP_PROTOCOL=grpc`).
    public static func start(environment: [String: String]) throws -> (tracer: any Tracer, service: any Service)? {
        guard isRequested(by: environment) else { return nil }
        try checkPropagators(environment["OTEL_PROPAGATORS"])
        var configuration = OTel.Configuration.default
        configuration.serviceName = "edge"
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        configuration.diagnosticLogLevel = .warning
        // Traces only, so this bootstraps `InstrumentationSystem` and nothing else; `environment` (the
        // process's merged with the `.env` files) supplies the `OTEL_*` overrides.
        // `OTEL_LOGS_*`/`OTEL_METRICS_*` are dropped: they could switch swift-otel's logs or metrics back on,
        // and a second `LoggingSystem`/`MetricsSystem` bootstrap is a crash.
        var tracesOnly = environment.filter { !$0.key.hasPrefix("OTEL_LOGS_") && !$0.key.hasPrefix("OTEL_METRICS_") }
        // A sampler that drops root spans is applied before swift-otel, which then records what it is given.
        let rootSampling = RootSampler.take(from: tracesOnly)
        if let rootSampling { tracesOnly = rootSampling.environment }
        let service = try OTel.bootstrap(configuration: configuration, environment: tracesOnly)
        let tracer = InstrumentationSystem.tracer
        guard let rootSampling else { return (tracer, service) }
        return (RootSamplingTracer.wrapping(tracer, sampler: rootSampling.sampler), service)
    }

    /// The propagators swift-otel implements: W3C `tracecontext`, and `none`. It stops the process
    /// (`fatalError`) on the others the specification names (`baggage`, `b3`, `b3multi`, `jaeger`, `xray`,
    /// `ottrace`), so they are refused here first, by name.
    static let supportedPropagators: Set<String> = ["tracecontext", "none"]

    /// Throws ``TraceExportConfigurationError`` when `value` (`OTEL_PROPAGATORS`, comma-separated) names a
    /// propagator swift-otel does not implement.
    static func checkPropagators(_ value: String?) throws(TraceExportConfigurationError) {
        guard let value else { return }
        for name in value.split(separator: ",").map({ $0.trimmingSpaces.lowercased() }) where !name.isEmpty {
            guard supportedPropagators.contains(name) else {
                throw TraceExportConfigurationError("OTEL_PROPAGATORS: '\(name)' is not supported (supported: tracecontext, none)")
            }
        }
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return s
    }
}

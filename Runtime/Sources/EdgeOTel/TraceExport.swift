public import ServiceLifecycle
public import Tracing
import OTel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Span export over OTLP/HTTP with swift-otel, switched on by the environment and by nothing else.
///
/// - `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) unset or empty, or
///   `OTEL_SDK_DISABLED=true`: nothing is created, `InstrumentationSystem` is left alone (its tracer stays the
///   no-op one) and ``start(environment:)`` returns nil. The request path then makes no span objects at all
///   (see `RequestSpan` in Server).
/// - Set: swift-otel's tracer, behind ``RootSamplingTracer`` when `OTEL_TRACES_SAMPLER` drops root spans
///   (`parentbased_traceidratio` below 1, `parentbased_always_off`), is bootstrapped as the process's tracer
///   (`InstrumentationSystem`) and returned to record requests with; the returned ``Service`` (batch processor
///   and exporter) must run in the process's service group, and its graceful shutdown flushes the spans still
///   queued. Every span of the process (request, `kv.commit`, `fetch`, a handler's own) goes through the
///   root sampler, so an unsampled request makes no span object at all (Docs/Decisions/0024, 0027).
///
/// Only traces: swift-otel's logs and metrics are never created (the runtime has its own log handler and
/// its own shared-memory metrics, Docs/Decisions/0017). Every other `OTEL_*` variable swift-otel knows
/// applies as it documents: `OTEL_EXPORTER_OTLP_PROTOCOL` (`http/protobuf`, the default, or `http/json`;
/// `grpc` is not compiled in, Docs/Decisions/0021), `OTEL_SERVICE_NAME` (default `edge`),
/// `OTEL_TRACES_SAMPLER`, `OTEL_BSP_SCHEDULE_DELAY`... Each worker process of `edge serve` exports its own
/// spans.
public enum TraceExport {
    /// Whether `environment` asks for span export.
    public static func isRequested(by environment: [String: String]) -> Bool {
        let endpoint = !(environment["OTEL_EXPORTER_OTLP_ENDPOINT"] ?? "").isEmpty || !(environment["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] ?? "").isEmpty
        return endpoint && environment["OTEL_SDK_DISABLED"]?.lowercased() != "true"
    }

    /// Bootstraps the OTLP tracer when `environment` asks for it and returns the tracer to record requests
    /// with and the exporter's service, else nil. Call at most once per process (`InstrumentationSystem` can
    /// be bootstrapped once), at start-up. Throws swift-otel's configuration error for a bad `OTEL_*` value
    /// (say, `OTEL_EXPORTER_OTLP_PROTOCOL=grpc`).
    ///
    /// `OTel.makeTracingBackend` (swift-otel's tracer without its bootstrap, so that the root sampler can be
    /// the process's tracer) reads its settings from the process environment only, so `environment`'s
    /// `OTEL_*` values (the process's merged with the `.env` files) are written into the process environment
    /// first, with the sampler swift-otel must run behind ``RootSamplingTracer`` (``exportEnvironment(_:)``).
    public static func start(environment: [String: String]) throws -> (tracer: any Tracer, service: any Service)? {
        guard isRequested(by: environment) else { return nil }
        try checkPropagators(environment["OTEL_PROPAGATORS"])
        var configuration = OTel.Configuration.default
        configuration.serviceName = "edge"
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        configuration.diagnosticLogLevel = .warning
        // A sampler that drops root spans is applied before swift-otel, which then records what it is given.
        let rootSampling = RootSampler.take(from: environment)
        exportEnvironment(rootSampling?.environment ?? environment)
        let backend = try OTel.makeTracingBackend(configuration: configuration)
        let tracer: any Tracer = rootSampling.map { RootSamplingTracer.wrapping(backend.factory, sampler: $0.sampler) } ?? backend.factory
        InstrumentationSystem.bootstrap(tracer)
        return (tracer, backend.service)
    }

    /// Makes the process environment's `OTEL_*` variables those of `environment`: each one set to its value,
    /// and the sampler's argument removed when `environment` has none (the root sampler took it over). Other
    /// variables are untouched. Runs once, at start-up, before any request.
    static func exportEnvironment(_ environment: [String: String]) {
        for (key, value) in environment where key.hasPrefix("OTEL_") {
            if getenv(key).map({ String(cString: $0) }) != value { setenv(key, value, 1) }
        }
        if environment[RootSampler.argumentKey] == nil { unsetenv(RootSampler.argumentKey) }
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

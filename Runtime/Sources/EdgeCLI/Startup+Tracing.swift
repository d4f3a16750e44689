import EdgeOTel
import ServiceLifecycle
import Tracing

extension Startup {
    /// What a serving process records spans with: nothing unless `OTEL_EXPORTER_OTLP_ENDPOINT` (or
    /// `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set; then the tracer ``TraceExport`` returns (swift-otel's,
    /// bootstrapped as the process's, possibly behind its root sampler) and the exporter service, which must
    /// outlive the server (it flushes the last spans on shutdown). Each worker process calls this for itself;
    /// the supervisor never does. (Docs/Decisions/0021, 0024.)
    func startTracing() throws -> (tracer: any Tracer, exporter: any Service)? {
        guard let started = try TraceExport.start(environment: env) else { return nil }
        return (started.tracer, started.service)
    }
}

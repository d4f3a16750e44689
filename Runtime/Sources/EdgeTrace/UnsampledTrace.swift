/// The trace of the request a task serves when a root sampler decided not to record it (Docs/Decisions/0027).
///
/// Such a request binds no `ServiceContext` (no span exists for it); this task-local carries its trace
/// instead, so that what runs for the request still belongs to that trace: `Context.fetch` propagates it
/// unsampled, a span started under it (`kv.commit`, a handler's own) is no span, and the access log shows its
/// trace id. Nil in every other task: tracing off, a sampled request, a request that came with `traceparent`.
public enum UnsampledTrace {
    /// The trace's `traceparent`: version `00`, the trace id, the (unrecorded) request span's id, flags `00`.
    @TaskLocal public static var traceParent: String?
}

/// The trace of the request a task serves when a root sampler decided not to record it (Docs/Decisions/0027).
///
/// Such a request binds no `ServiceContext` (no span exists for it); ``current`` carries its trace instead,
/// so that what runs for the request still belongs to that trace: `Context.fetch` propagates it unsampled, a
/// span started under it (`kv.commit`, a handler's own) is no span, and the access log shows its trace id.
/// ``current`` is nil in every other task: tracing off, a sampled request, a request that came with
/// `traceparent`. Numbers, not text: a request that never calls out makes no string for its trace.
public struct UnsampledTrace: Sendable, Hashable {
    /// The trace's id.
    public let traceID: TraceID
    /// The id of the request's span, which nothing records (the parent of what is propagated); never zero.
    public let spanID: UInt64

    public init(traceID: TraceID, spanID: UInt64) {
        self.traceID = traceID
        self.spanID = spanID
    }

    /// The trace of the request the task serves, if the root sampler did not sample it.
    @TaskLocal public static var current: UnsampledTrace?

    /// The trace's `traceparent`: version `00`, the trace id, the span id, flags `00`.
    public var traceParent: String {
        String(unsafeUninitializedCapacity: 55) { out in
            var pos = 0
            func put(_ byte: UInt8) { out[pos] = byte; pos += 1 }
            put(0x30); put(0x30); put(0x2D)
            TraceID.forEachDigit(of: traceID.high, put)
            TraceID.forEachDigit(of: traceID.low, put)
            put(0x2D)
            TraceID.forEachDigit(of: spanID, put)
            put(0x2D); put(0x30); put(0x30)
            return pos
        }
    }
}

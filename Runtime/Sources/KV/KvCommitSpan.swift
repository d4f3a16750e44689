import Tracing

/// A KV commit as a `kv.commit` span, child of the context it runs in (the request span, set by the server
/// only when tracing is on). Attributes: `db.operation.name` (`commit`), `kv.checks`, `kv.mutations`,
/// `kv.enqueues` (counts, never keys or values) and `kv.ok` (false: a check failed, Deno's `{ok: false}`). A
/// thrown ``KvError`` is recorded and sets the span's status to error.
enum KvCommitSpan {
    static func commit(_ request: KvCommitRequest, on kv: Kv, parent: InstrumentationContext) async throws(KvError) -> KvCommitResult {
        let span = InstrumentationSystem.tracer.startSpan("kv.commit", context: parent, ofKind: .client)
        span.attributes["db.operation.name"] = "commit"
        span.attributes["kv.checks"] = request.checks.count
        span.attributes["kv.mutations"] = request.mutations.count
        span.attributes["kv.enqueues"] = request.enqueues.count
        do {
            let result = try await kv.commitUntraced(request)
            span.attributes["kv.ok"] = result.ok
            span.end()
            return result
        } catch {
            span.recordError(error)
            span.setStatus(SpanStatus(code: .error))
            span.end()
            throw error
        }
    }
}

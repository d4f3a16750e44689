import EdgeRuntime

/// Reading runs by the `runId` query parameter (CONTRACTS §4.1): missing or empty → 400
/// `runId query parameter is required`; unknown → 404 `run <id> not found`.
struct PersephoneRuns: Sendable {
    let kv: Kv
    let config: PersephoneConfig

    init(_ context: Context) throws {
        kv = try context.kv
        config = context.env.derived(PersephoneConfig.init)
    }

    var nowMs: Int64 { kv.clock.nowMs() }

    static func runId(_ request: Request) throws -> String {
        guard let id = request.query["runId"], !id.isEmpty else { throw PersephoneErrors.runIdRequired }
        return id
    }

    /// The run named by the request and its record's versionstamp.
    func find(_ request: Request) async throws -> (run: RunRecord, stamp: Versionstamp) {
        let id = try Self.runId(request)
        guard id.utf8.count <= PersephoneLimits.maxIdLength,
              let e = try await kv.get(PersephoneKeys.run(id), as: RunRecord.self) else { throw PersephoneErrors.runNotFound(id) }
        return (e.value, e.versionstamp)
    }
}

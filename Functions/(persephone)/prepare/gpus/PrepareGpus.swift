import EdgeRuntime

/// `GET /prepare/gpus?runId=...` (CONTRACTS §4.3): a bare JSON array of the free `GpuOption`s, `[]`
/// when none is free (the UI then reports a shortage). GPUs held by a running preparation are left out.
struct PrepareGpus: EdgeFunction {
    static let methods: HTTPMethods = [.get]

    func handle(_ request: Request, context: Context) async throws -> Response {
        PersephoneSession.note(request, context: context)
        let runs = try PersephoneRuns(context)
        _ = try await runs.find(request)
        let free = try await GpuCatalogue.free(await GpuCatalogue.load(runs.config), kv: runs.kv, nowMs: runs.nowMs)
        return .json(.array(free.map(\.json)))
    }
}

import EdgeRuntime

extension JobStore {
    /// The store of a request's app, cleaned up first (every route answers after the original's cleanup).
    static func cleaned(_ context: Context) async throws -> (store: JobStore, jobs: [JobRecord]) {
        let store = JobStore(kv: try context.kv, config: JobsConfig(context.env))
        let jobs = try await store.cleanup()
        return (store, jobs)
    }
}

import EdgeRuntime

extension JobStore {
    /// The store of a request's app, after the cleanup when one is due (``cleanupIfDue()``).
    static func cleaned(_ context: Context) async throws -> JobStore {
        let store = JobStore(kv: try context.kv, config: context.env.derived(JobsConfig.init))
        try await store.cleanupIfDue()
        return store
    }

    /// Runs ``cleanup()`` unless one ran less than ``JobsLimits/cleanupIntervalMs`` ago (in any process:
    /// the gate is a KV key with that expiry, taken by one check-and-set).
    func cleanupIfDue() async throws {
        let gate = try await kv.get(JobKeys.cleanupGate)
        guard gate.versionstamp == nil else { return }
        let taken = try await kv.atomic().check(JobKeys.cleanupGate, versionstamp: nil)
            .set(JobKeys.cleanupGate, .bool(true), expireIn: JobsLimits.cleanupIntervalMs).commit()
        if case .ok = taken { try await cleanup() }
    }
}

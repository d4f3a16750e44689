import EdgeRuntime

/// The app's settings from its environment (CONTRACTS §3.1). A value that does not parse or lies outside
/// its range (``JobsLimits``) falls back to the default: a typo never disables purging.
struct JobsConfig: Sendable {
    var ttlMs: Int64
    var maxItems: Int
    var runTimeoutSeconds: Double

    init(_ env: Environment) {
        let ttl = env["JOBS_TTL_SECONDS"].flatMap { Int($0.trimmingSpaces) }
        ttlMs = Int64(ttl.flatMap { JobsLimits.ttlSecondsRange.contains($0) ? $0 : nil } ?? JobsLimits.defaultTTLSeconds) * 1000
        let items = env["JOBS_MAX_ITEMS"].flatMap { Int($0.trimmingSpaces) }
        maxItems = items.flatMap { JobsLimits.maxItemsRange.contains($0) ? $0 : nil } ?? JobsLimits.defaultMaxItems
        let timeout = env["JOB_RUN_TIMEOUT_SECONDS"].flatMap { Double($0.trimmingSpaces) }
        runTimeoutSeconds = timeout.flatMap { JobsLimits.runTimeoutSecondsRange.contains($0) ? $0 : nil } ?? JobsLimits.defaultRunTimeoutSeconds
    }

    /// The run timeout in whole milliseconds (at least 1).
    var runTimeoutMs: Int { max(1, Int((runTimeoutSeconds * 1000).rounded())) }
}

/// How one tick of a job ended.
public enum CronOutcome: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The handler answered with a status below 500 (4xx counts: the handler ran and a retry
    /// would not change a client error; the status is kept so operators see it).
    case ok(status: Int)
    /// The last attempt answered with a status >= 500 or threw.
    case failed(CronFailure)
    /// The tick came while the previous run of the job was still going in this process, so it was
    /// skipped (Deno's rule: no overlapping runs, no queueing).
    case skippedOverlap
    /// Another scheduler sharing the lease held this tick (or was still running the job), so this
    /// process did not run it.
    case lostLease
    /// Shutdown stopped the run: it outlived the shutdown grace period and was cancelled, or it was
    /// waiting to retry when shutdown came.
    case cancelled

    /// True for `.ok`.
    public var isSuccess: Bool {
        if case .ok = self { return true }
        return false
    }

    /// `ok(200)`, `failed(status 503)`, `failed(timeout)`, `skipped(overlap)`, `lost-lease`, `cancelled`.
    public var description: String {
        switch self {
        case .ok(let status): "ok(\(status))"
        case .failed(let failure): "failed(\(failure))"
        case .skippedOverlap: "skipped(overlap)"
        case .lostLease: "lost-lease"
        case .cancelled: "cancelled"
        }
    }
}

/// Why a run failed.
public enum CronFailure: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The handler answered with this status (>= 500).
    case status(Int)
    /// The handler threw; the error's description.
    case error(String)
    /// The lease could not be asked (storage error); the handler was not invoked.
    case leaseUnavailable(String)

    public var description: String {
        switch self {
        case .status(let status): "status \(status)"
        case .error(let message): message
        case .leaseUnavailable(let message): "lease unavailable: \(message)"
        }
    }
}

import EdgeRuntime

/// Every limit and default of the jobs app (system 002, CONTRACTS §3), in one place.
enum JobsLimits {
    /// `JOBS_TTL_SECONDS`: finished jobs older than this (by `finishedAt`) are purged. Accepted: 1 s … 30 days.
    static let defaultTTLSeconds = 1800
    static let ttlSecondsRange = 1...2_592_000
    /// `JOBS_MAX_ITEMS`: most jobs kept; the oldest (by `createdAt`) go first. Accepted: 1 … 10 000.
    static let defaultMaxItems = 200
    static let maxItemsRange = 1...10_000
    /// `JOB_RUN_TIMEOUT_SECONDS`: a running job becomes `timeout` this long after it started. Accepted: 0.001 … 3600.
    static let defaultRunTimeoutSeconds = 8.0
    static let runTimeoutSecondsRange = 0.001...3600.0

    /// `GET /jobs` `limit`: default and accepted range.
    static let defaultListLimit = 20
    static let listLimitRange = 1...100
    /// `debugSleepMs` above this is a validation error (the sleep is for local debugging only).
    static let maxDebugSleepMs = 60_000
    /// Longest `idempotencyKey`, in UTF-8 bytes (it is part of a KV key).
    static let maxIdempotencyKeyBytes = 512
    /// Bodies up to this size are parsed inline; larger ones on a ``CPUWork`` thread.
    static let inlineParseBytes = 64 * 1024
    /// Largest `imageBase64` a job stores (the 10 MiB body cap of `vercel-like.json` bounds it first).
    static let maxPayloadBytes = 10 * 1024 * 1024
    /// Images up to this size are written with the job in its create commit; larger ones are chunked
    /// (``KvChunkedValues``) before it.
    static let inlinePayloadBytes = 60 * 1024
    /// How long a job's stored image outlives its creation if no run ever deletes it.
    static let payloadRetentionMs = 86_400_000
    /// The full cleanup (TTL purge, interrupted runs) runs at most this often per deployment; between
    /// runs, reads treat a job past its TTL as gone and creates enforce `JOBS_MAX_ITEMS` themselves.
    static let cleanupIntervalMs = 1000
    /// Attempts of one check-and-set against concurrent writers before 503 `storage_busy`.
    static let maxCommitAttempts = 128
    /// Jobs purged per KV commit (each takes 4 deletes and, with an idempotency key, a check and a delete:
    /// within a commit's 100 checks and 1000 mutations).
    static let purgeBatch = 50

    /// A process's liveness key expires this long after its last refresh …
    static let runnerHeartbeatTTLMs = 10_000
    /// … and is refreshed this often. A `running` job whose runner's key is gone was interrupted.
    static let runnerHeartbeatIntervalMs: Int64 = 3_000

    /// The detector: edge values at or above this count as foreground (the original's threshold).
    static let edgeThreshold = 40
    /// Score bounds: `clamp(areaRatio + scoreOffset, minScore, maxScore)`.
    static let scoreOffset = 0.25
    static let scoreFloor = 0.35
    static let scoreCeiling = 0.95
    /// `minScore` default.
    static let defaultMinScore = 0.35

    /// Decode limits of uploaded images: a header past these is refused before any pixel is decoded.
    static let image = ImageLimits(maxSide: 8192, maxPixels: 4096 * 4096, maxDecodeBytes: ImageLimits.defaultMaxDecodeBytes)

    static let service = "backend-ai-mvp"
    static let version = "0.5.0"
    static let modelVersion = "backend-mvp-edge-heuristic-0.5.0"
    static let task = "detect-objects"
}

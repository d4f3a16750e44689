/// Every limit and default of system 003 (CONTRACTS §4.2), in one place.
enum PersephoneLimits {
    /// `MAX_UPLOAD_BYTES` default: 500 MiB, the largest artifact.
    static let defaultMaxUploadBytes = 524_288_000
    /// Room for the multipart framing around the file: a body may exceed the file limit by this much.
    /// The route's `maxRequestBodySize` in `vercel-like.json` is the default limit plus this.
    static let multipartOverheadBytes = 65_536
    /// The largest non-file form field read (and discarded).
    static let maxFieldBytes = 65_536
    /// Bytes of the file's head kept for content sniffing.
    static let sniffBytes = 512
    /// `PREPARE_STEP_MS` and `DEPLOY_MS` defaults.
    static let defaultPrepareStepMs = 1_500
    static let defaultDeployMs = 3_000
    /// The longest `runId`, `gpuId` or environment name looked up (anything longer is unknown).
    static let maxIdLength = 128
    /// The longest original file name kept in a run record.
    static let maxFileNameLength = 255
    /// The steps of a preparation, in order (§4.3).
    static let prepareSteps = ["Validate artifact", "Allocate GPU", "Provision environment", "Warm up model"]
    /// Deployment environments (§4.3).
    static let environments = ["dev", "stage", "prod"]
    /// Check-and-set retries before a write gives up with 503.
    static let maxCommitAttempts = 8
    /// Cookie name (§4.1).
    static let sessionCookie = "psphn_session"
}

import EdgeRuntime

/// One uploaded artifact and its pipeline ("run"), stored at ``PersephoneKeys/run(_:)``.
struct RunRecord: Codable, Sendable {
    var runId: String
    /// The file name the client sent (its last path component).
    var fileName: String
    var artifactType: ArtifactType
    var sizeBytes: Int
    /// SHA-256 of the stored file, 64 hex digits.
    var sha256: String
    /// Where the artifact is stored.
    var path: String
    var createdMs: Int64
    var prepare: PrepareRecord?
}

/// A preparation's start and its fixed outcome; the phase at any moment is derived from the clock
/// (``PrepareState``).
struct PrepareRecord: Codable, Sendable {
    var startedMs: Int64
    var stepMs: Int64
    var gpuId: String?
    /// The index of the step that fails, with its message (nil: all succeed).
    var failStep: Int?
    var failMessage: String?
}

/// One deployment of a run to an environment (the latest one), stored at ``PersephoneKeys/deploy(_:_:)``.
struct DeployRecord: Codable, Sendable {
    var runId: String
    var environment: String
    var version: Int
    var startedMs: Int64
    var durationMs: Int64
}

/// A GPU held by a running preparation until `untilMs`, stored at ``PersephoneKeys/gpu(_:)``.
struct GpuLease: Codable, Sendable {
    var runId: String
    var untilMs: Int64
}

/// The app's KV layout.
enum PersephoneKeys {
    static func run(_ id: String) -> KvKey { ["persephone", "run", .string(id)] }
    static func deploy(_ id: String, _ env: String) -> KvKey { ["persephone", "deploy", .string(id), .string(env)] }
    static func gpu(_ id: String) -> KvKey { ["persephone", "gpu", .string(id)] }
}

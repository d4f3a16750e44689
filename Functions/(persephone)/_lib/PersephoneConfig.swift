import EdgeRuntime

/// The app's environment (CONTRACTS §4.2), read once per environment (`Environment.derived`).
struct PersephoneConfig: Sendable {
    let corsOrigins: [String]
    /// Where artifacts are stored (`UPLOAD_DIR`, default `./.data/persephone/uploads`).
    let uploadDir: String
    let maxUploadBytes: Int
    let prepareStepMs: Int64
    let deployMs: Int64
    /// `PERSEPHONE_GPUS_JSON` as given (nil: unset).
    let gpusJSON: String?
    /// Fault injection for tests only: the upload writer fails with ENOSPC once a file would pass this
    /// many bytes (`PERSEPHONE_FAULT_DISK_FULL_AFTER_BYTES`), standing in for a full disk.
    let faultDiskFullAfterBytes: Int?
    /// The `nvidia-smi` command (`PERSEPHONE_NVIDIA_SMI`, default `nvidia-smi`; nil when `off` or empty).
    let nvidiaSMI: String?

    init(_ env: Environment) {
        let origins = (env["CORS_ORIGINS"] ?? "http://localhost:3000").split(separator: ",")
            .map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
        corsOrigins = origins
        let dir = env["UPLOAD_DIR"]?.trimmingSpaces ?? ""
        uploadDir = dir.isEmpty ? "./.data/persephone/uploads" : dir
        maxUploadBytes = max(1, min(env.int("MAX_UPLOAD_BYTES", default: PersephoneLimits.defaultMaxUploadBytes), 1 << 40))
        prepareStepMs = Int64(max(0, min(env.int("PREPARE_STEP_MS", default: PersephoneLimits.defaultPrepareStepMs), 86_400_000)))
        deployMs = Int64(max(0, min(env.int("DEPLOY_MS", default: PersephoneLimits.defaultDeployMs), 86_400_000)))
        gpusJSON = env["PERSEPHONE_GPUS_JSON"]
        faultDiskFullAfterBytes = env["PERSEPHONE_FAULT_DISK_FULL_AFTER_BYTES"].flatMap { Int($0) }
        let smi = (env["PERSEPHONE_NVIDIA_SMI"] ?? "nvidia-smi").trimmingSpaces
        nvidiaSMI = smi.isEmpty || smi.lowercased() == "off" ? nil : smi
    }
}

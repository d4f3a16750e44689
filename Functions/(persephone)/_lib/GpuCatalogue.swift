import EdgeRuntime

/// One GPU a preparation may run on (`GpuOption`, CONTRACTS §4.3).
struct GpuOption: Sendable, Equatable {
    var id: String
    var name: String
    var memoryGb: Double?
    var provider: String?
    var region: String?

    var json: JSONValue {
        var o: JSONObject = ["id": .string(id), "name": .string(name)]
        if let memoryGb { o["memoryGb"] = .number(memoryGb) }
        if let provider { o["provider"] = .string(provider) }
        if let region { o["region"] = .string(region) }
        return .object(o)
    }
}

/// The GPU catalogue (CONTRACTS §4.2, issue 16): the real GPUs when `nvidia-smi` answers
/// (``NvidiaSMI``), else `PERSEPHONE_GPUS_JSON` (an array of `GpuOption`; `[]` means no GPUs), else
/// the three simulated GPUs. Entries without a string `id` and `name` are skipped, and a
/// value that is not a JSON array falls back to the simulated three.
enum GpuCatalogue {
    static let simulated: [GpuOption] = [
        GpuOption(id: "a100-80gb", name: "NVIDIA A100 80GB", memoryGb: 80, provider: "sim", region: "local-1"),
        GpuOption(id: "l4-24gb", name: "NVIDIA L4 24GB", memoryGb: 24, provider: "sim", region: "local-1"),
        GpuOption(id: "t4-16gb", name: "NVIDIA T4 16GB", memoryGb: 16, provider: "sim", region: "local-1"),
    ]

    static func load(_ config: PersephoneConfig) async -> [GpuOption] {
        if let command = config.nvidiaSMI, let real = await NvidiaSMI.gpus(command: command) { return real }
        guard let text = config.gpusJSON, case .array(let items)? = try? JSONValue.parse(text) else { return simulated }
        return items.compactMap { item -> GpuOption? in
            guard case .string(let id)? = item["id"], case .string(let name)? = item["name"],
                  !id.isEmpty, id.utf8.count <= PersephoneLimits.maxIdLength else { return nil }
            var g = GpuOption(id: id, name: name)
            if case .number(let m)? = item["memoryGb"], m.isFinite { g.memoryGb = m }
            if case .string(let p)? = item["provider"] { g.provider = p }
            if case .string(let r)? = item["region"] { g.region = r }
            return g
        }
    }

    /// The catalogue without the GPUs held by another run's preparation that is still running at `nowMs`.
    static func free(_ all: [GpuOption], kv: Kv, nowMs: Int64, except runId: String? = nil) async throws -> [GpuOption] {
        var out: [GpuOption] = []
        for g in all {
            let lease = try await holder(g.id, kv: kv, nowMs: nowMs)
            if lease == nil || lease?.runId == runId { out.append(g) }
        }
        return out
    }

    /// The live lease on `gpuId`, if any.
    static func holder(_ gpuId: String, kv: Kv, nowMs: Int64) async throws -> GpuLease? {
        guard let e = try await kv.get(PersephoneKeys.gpu(gpuId), as: GpuLease.self), e.value.untilMs > nowMs else { return nil }
        return e.value
    }
}

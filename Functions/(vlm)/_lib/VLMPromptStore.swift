import EdgeRuntime

/// The prompt library on KV (keys: ``VLMKeys``). Every multi-key change is ONE atomic commit whose
/// checks cover every key it read, retried on conflict (§5.4): id allocation is a check-and-set on the
/// counter, a duplicate (namespace, name, version) is a `check(secondary, nil)` in the same commit.
///
/// Stored data is never trusted to convert: a record that does not decode, or whose numbers are outside
/// ``VLMLimits``, is corrupt. Lists and backups skip it; a read of that one id answers 500
/// `corrupt_record`; both log the key. A delete or restore of its id replaces it.
struct VLMPromptStore: Sendable {
    let kv: Kv
    var logger: Logger? = nil

    /// What is stored at `["prompts","by_id",id]`.
    enum Record: Sendable {
        case missing
        case prompt(VLMPrompt, Versionstamp)
        case corrupt(Versionstamp)
    }

    // MARK: reads

    static func int(_ entry: KvEntry, in range: ClosedRange<Int> = VLMLimits.promptIds) -> Int? {
        VLMLimits.int(entry.value, in: range)
    }

    /// The prompt in `entry`, nil when absent; a present but corrupt one is logged and nil.
    func decode(_ entry: KvEntry, id: Int? = nil) -> VLMPrompt? {
        guard entry.versionstamp != nil else { return nil }
        if let v = entry.value, let p = VLMPrompt(kvValue: v), id == nil || p.id == id { return p }
        logger?.error("[PROMPTS] Corrupt prompt record skipped", metadata: ["key": .string("\(entry.key)")])
        return nil
    }

    func record(_ id: Int) async throws -> Record {
        let e = try await kv.get(VLMKeys.byId(id))
        guard let vs = e.versionstamp else { return .missing }
        if let p = decode(e, id: id) { return .prompt(p, vs) }
        return .corrupt(vs)
    }

    /// The prompt and its versionstamp; nil when missing, 500 `corrupt_record` when unreadable.
    func entry(_ id: Int) async throws -> (prompt: VLMPrompt, stamp: Versionstamp)? {
        switch try await record(id) {
        case .missing: return nil
        case .prompt(let p, let vs): return (p, vs)
        case .corrupt: throw Self.corrupt(id)
        }
    }

    static func corrupt(_ id: Int) -> HTTPError {
        VLM.error(.internalServerError, "Corrupt prompt record", code: "corrupt_record",
                  message: "The stored prompt \(id) cannot be read; delete or restore it")
    }

    func get(_ id: Int) async throws -> VLMPrompt? { try await entry(id)?.prompt }

    /// Loads many prompts, ten keys per snapshot read (KV's `getMany` limit); corrupt ones are skipped.
    func load(_ ids: [Int]) async throws -> [VLMPrompt] {
        var out: [VLMPrompt] = []
        var i = 0
        while i < ids.count {
            let chunk = Array(ids[i..<min(ids.count, i + KvLimits.maxReadRanges)])
            for (id, e) in zip(chunk, try await kv.getMany(chunk.map(VLMKeys.byId))) {
                if let p = decode(e, id: id) { out.append(p) }
            }
            i += KvLimits.maxReadRanges
        }
        return out
    }

    /// The ids under an index prefix (``VLMKeys``), in key (= id) order, read in pages with cursors.
    func ids(under prefix: KvKey) async throws -> [Int] {
        try await VLMIndexMigration.ensure(kv, logger: logger)
        var out: [Int] = []
        let options = KvListOptions(batchSize: KvLimits.maxReadEntries)
        for try await e in try kv.listKeys(.prefix(prefix), options: options) {
            guard e.key.count == prefix.count + 1, case .number(let n)? = e.key.last,
                  let id = VLMLimits.int(n, in: VLMLimits.promptIds) else {
                logger?.error("[PROMPTS] Unreadable index entry skipped", metadata: ["key": .string("\(e.key)")])
                continue
            }
            out.append(id)
        }
        return out
    }

    /// Prompts of a namespace, filtered, sorted priority asc, name asc (locale-like), version desc.
    func list(namespace: String, lang: String?, active: Bool?) async throws -> [VLMPrompt] {
        let prompts = try await load(try await ids(under: VLMKeys.namespaceIndex(namespace))).filter { p in
            p.namespace == namespace && (lang == nil || p.lang == lang) && (active == nil || p.isActive == active)
        }
        return prompts.sorted(by: Self.order)
    }

    /// `a.name.localeCompare(b.name)` approximated without ICU: case-insensitive first, lower case first on ties.
    static func localeLess(_ a: String, _ b: String) -> Bool? {
        let la = a.lowercased(), lb = b.lowercased()
        if la != lb { return la.unicodeScalars.lexicographicallyPrecedes(lb.unicodeScalars) }
        if a != b { return b.unicodeScalars.lexicographicallyPrecedes(a.unicodeScalars) }
        return nil
    }

    static func order(_ a: VLMPrompt, _ b: VLMPrompt) -> Bool {
        if a.priority != b.priority { return a.priority < b.priority }
        if let l = localeLess(a.name, b.name) { return l }
        if a.version != b.version { return a.version > b.version }
        return a.id < b.id
    }

    func defaultPrompt(namespace: String, lang: String) async throws -> VLMPrompt? {
        guard let id = Self.int(try await kv.get(VLMKeys.defaultPointer(namespace, lang))) else { return nil }
        return try await get(id)
    }

    /// Every readable prompt under `["prompts","by_id"]`, by id (the backup's `prompts`).
    func exportAll() async throws -> [VLMPrompt] {
        var out: [VLMPrompt] = []
        for try await e in try kv.list(.prefix(VLMKeys.byIdPrefix), options: KvListOptions(batchSize: 200)) {
            // A namespace called "by_id" puts 4-part secondary keys under the same prefix: skip them.
            guard e.key.count == 3, case .number(let n) = e.key[2] else { continue }
            if let p = decode(e, id: VLMLimits.int(n, in: VLMLimits.promptIds) ?? 0) { out.append(p) }
        }
        return out.sorted { $0.id < $1.id }
    }

    /// The cache generation: the versionstamp of `["prompts_meta","updated_at"]`.
    func generation() async throws -> Versionstamp? { try await kv.get(VLMKeys.updatedAt).versionstamp }

    /// The last id given out: the counter, or, when the counter is unreadable (a corrupt value, or one
    /// past ``VLMLimits/promptIds`` written before the bounds), the highest readable id under
    /// `["prompts","by_id"]` (numbers sort last and in order, so a reverse list finds it).
    func lastId(_ counter: KvEntry) async throws -> Int {
        guard counter.versionstamp != nil else { return 0 }
        if let n = Self.int(counter, in: 0...VLMLimits.promptIds.upperBound) { return n }
        logger?.error("[PROMPTS] Unreadable id counter; recovering from the records", metadata: ["key": .string("\(VLMKeys.counter)")])
        for try await e in try kv.listKeys(.prefix(VLMKeys.byIdPrefix), options: KvListOptions(reverse: true, batchSize: 100)) {
            if e.key.count == 3, case .number(let n) = e.key[2], let id = VLMLimits.int(n, in: VLMLimits.promptIds) { return id }
        }
        return 0
    }
}

import EdgeRuntime

/// The seed's KV key schemes (§5.4).
enum VLMKeys {
    static func byId(_ id: Int) -> KvKey { ["prompts", "by_id", .number(Double(id))] }
    static func secondary(_ ns: String, _ name: String, _ version: Int) -> KvKey {
        ["prompts", .string(ns), .string(name), .number(Double(version))]
    }
    static func secondary(_ p: VLMPrompt) -> KvKey { secondary(p.namespace, p.name, p.version) }
    static func indexNamespace(_ ns: String) -> KvKey { ["prompts_index", .string(ns)] }
    static func indexNamespaceLang(_ ns: String, _ lang: String) -> KvKey { ["prompts_index", .string(ns), .string(lang)] }
    static let indexActive: KvKey = ["prompts_index", "active"]
    static func defaultPointer(_ ns: String, _ lang: String) -> KvKey { ["prompts_default", .string(ns), .string(lang)] }
    static let counter: KvKey = ["prompts_meta", "counter"]
    /// Bumped by every prompt write; its versionstamp is the cache generation (§5.6, several processes).
    static let updatedAt: KvKey = ["prompts_meta", "updated_at"]
    static let byIdPrefix: KvKey = ["prompts", "by_id"]
}

/// The prompt library on KV. Every multi-key change is ONE atomic commit whose checks cover every key
/// it read, retried on conflict (§5.4): id allocation is a check-and-set on the counter, a duplicate
/// (namespace, name, version) is a `check(secondary, nil)` in the same commit.
struct VLMPromptStore: Sendable {
    let kv: Kv

    // MARK: reads

    static func ids(_ entry: KvEntry) -> [Int] {
        guard case .array(let a)? = entry.value else { return [] }
        return a.compactMap { if case .number(let n) = $0, n.rounded() == n { return Int(n) }; return nil }
    }

    static func int(_ entry: KvEntry) -> Int? {
        switch entry.value {
        case .number(let n)? where n.rounded() == n: return Int(n)
        case .u64(let u)?: return Int(exactly: u.value)
        default: return nil
        }
    }

    static func prompt(_ entry: KvEntry) -> VLMPrompt? { try? entry.decode(as: VLMPrompt.self) }

    func entry(_ id: Int) async throws -> (prompt: VLMPrompt, stamp: Versionstamp)? {
        let e = try await kv.get(VLMKeys.byId(id))
        guard let vs = e.versionstamp, let p = Self.prompt(e) else { return nil }
        return (p, vs)
    }

    func get(_ id: Int) async throws -> VLMPrompt? { try await entry(id)?.prompt }

    /// Loads many prompts, ten keys per snapshot read.
    func load(_ ids: [Int]) async throws -> [VLMPrompt] {
        var out: [VLMPrompt] = []
        var i = 0
        while i < ids.count {
            let chunk = Array(ids[i..<min(ids.count, i + 10)])
            for e in try await kv.getMany(chunk.map(VLMKeys.byId)) { if let p = Self.prompt(e) { out.append(p) } }
            i += 10
        }
        return out
    }

    /// Prompts of a namespace, filtered, sorted priority asc, name asc (locale-like), version desc.
    func list(namespace: String, lang: String?, active: Bool?) async throws -> [VLMPrompt] {
        let ids = Self.ids(try await kv.get(VLMKeys.indexNamespace(namespace)))
        var seen = Set<Int>()
        let prompts = try await load(ids.filter { seen.insert($0).inserted }).filter { p in
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

    /// Every prompt under `["prompts","by_id"]`, by id (the backup's `prompts`).
    func exportAll() async throws -> [VLMPrompt] {
        var out: [VLMPrompt] = []
        for try await e in try kv.list(.prefix(VLMKeys.byIdPrefix), options: KvListOptions(batchSize: 200)) {
            // A namespace called "by_id" puts 4-part secondary keys under the same prefix: skip them.
            guard e.key.count == 3, case .number = e.key[2], let p = Self.prompt(e) else { continue }
            out.append(p)
        }
        return out.sorted { $0.id < $1.id }
    }

    /// The cache generation: the versionstamp of `["prompts_meta","updated_at"]`.
    func generation() async throws -> Versionstamp? { try await kv.get(VLMKeys.updatedAt).versionstamp }

    // MARK: helpers for commits

    private static func adding(_ id: Int, to ids: [Int]) -> KvValue {
        .array((ids.contains(id) ? ids : ids + [id]).map { .number(Double($0)) })
    }

    private static func removing(_ id: Int, from ids: [Int]) -> KvValue {
        .array(ids.filter { $0 != id }.map { .number(Double($0)) })
    }

    private static func duplicate(_ entry: KvEntry) -> HTTPError {
        var details: [String: JSONValue] = [:]
        if let p = prompt(entry) { details["id"] = .number(Double(p.id)) }
        return VLM.error(.conflict, "Prompt already exists", code: "duplicate_prompt",
                         message: "A prompt with this namespace, name and version already exists", details: details)
    }

    /// Adds to `op` the clearing of `oldId`'s default flag, checked at the versionstamp just read (or a
    /// check that it is gone), so the switch of defaults stays one serializable commit.
    private func unsetDefault(_ oldId: Int, in op: KvAtomicOperation, now: String) async throws {
        guard let (old, vs) = try await entry(oldId) else {
            op.check(VLMKeys.byId(oldId), versionstamp: nil)
            return
        }
        var o = old
        o.isDefault = false
        o.updatedAt = now
        op.check(VLMKeys.byId(oldId), versionstamp: vs)
        setPrompt(op, o)
    }

    private func setPrompt(_ op: KvAtomicOperation, _ p: VLMPrompt) {
        op.set(VLMKeys.byId(p.id), p.kvValue).set(VLMKeys.secondary(p), p.kvValue)
    }

    /// Rejects a prompt whose stored form would pass the 64 KiB value limit (4xx, never a 500).
    private static func ensureFits(_ p: VLMPrompt) throws {
        if KvStoredValue(p.kvValue).payload.count > KvLimits.maxValueBytes {
            throw VLM.error(.contentTooLarge, "Prompt too large", code: "payload_too_large",
                            message: "The stored prompt would exceed the 64 KiB KV value limit")
        }
    }

    // MARK: writes

    /// Creates a prompt (201 body), optionally as the new default of its (namespace, lang).
    func create(_ input: VLMPromptInput.Create, nonce: VLMNonce?) async throws -> VLMPrompt {
        let secondary = VLMKeys.secondary(input.namespace, input.name, input.version)
        let idxNs = VLMKeys.indexNamespace(input.namespace)
        let idxNsLang = VLMKeys.indexNamespaceLang(input.namespace, input.lang)
        let pointer = VLMKeys.defaultPointer(input.namespace, input.lang)
        let wantsDefault = input.makeDefault && input.isActive
        return try await VLMRetry.run { () async throws -> VLMPrompt? in
            var keys = [VLMKeys.counter, secondary, idxNs, idxNsLang, VLMKeys.indexActive, pointer]
            if let nonce { keys.append(nonce.key) }
            let e = try await kv.getMany(keys)
            if nonce != nil, e[6].versionstamp != nil { throw VLMNonce.replay() }
            if e[1].versionstamp != nil { throw Self.duplicate(e[1]) }
            let id = (Self.int(e[0]) ?? 0) + 1
            let now = VLMTime.nowISO()
            var p = VLMPrompt(id: id, namespace: input.namespace, name: input.name, version: input.version,
                              lang: input.lang, text: input.text, tags: input.tags, priority: input.priority,
                              isActive: input.isActive, isDefault: wantsDefault, createdAt: now, updatedAt: now)
            try Self.ensureFits(p)
            let op = kv.atomic()
                .check(VLMKeys.counter, versionstamp: e[0].versionstamp)
                .check(secondary, versionstamp: nil)
                .check(VLMKeys.byId(id), versionstamp: nil)
                .check(idxNs, versionstamp: e[2].versionstamp)
                .check(idxNsLang, versionstamp: e[3].versionstamp)
                .check(VLMKeys.indexActive, versionstamp: e[4].versionstamp)
            if wantsDefault {
                op.check(pointer, versionstamp: e[5].versionstamp)
                if let oldId = Self.int(e[5]), oldId != id {
                    try await unsetDefault(oldId, in: op, now: now)
                }
                op.set(pointer, .number(Double(id)))
            }
            p.isDefault = wantsDefault
            op.set(VLMKeys.counter, .number(Double(id)))
            setPrompt(op, p)
            op.set(idxNs, Self.adding(id, to: Self.ids(e[2])))
            op.set(idxNsLang, Self.adding(id, to: Self.ids(e[3])))
            if p.isActive { op.set(VLMKeys.indexActive, Self.adding(id, to: Self.ids(e[4]))) }
            op.set(VLMKeys.updatedAt, .string(now))
            nonce?.apply(to: op)
            return try await op.commit().ok ? p : nil
        }
    }

    /// Applies a partial update; moves secondary/index/default entries when their fields change.
    /// Returns (before, after). 404 when missing, 409 when moving onto another prompt's key.
    func update(id: Int, patch: VLMPromptInput.Patch, nonce: VLMNonce?) async throws -> (old: VLMPrompt, new: VLMPrompt) {
        try await VLMRetry.run { () async throws -> (old: VLMPrompt, new: VLMPrompt)? in
            guard let (old, stamp) = try await entry(id) else { throw VLM.notFound() }
            var p = old
            if let v = patch.namespace { p.namespace = v }
            if let v = patch.name { p.name = v }
            if let v = patch.version { p.version = v }
            if let v = patch.lang { p.lang = v }
            if let v = patch.text { p.text = v }
            if let v = patch.tags { p.tags = v }
            if let v = patch.priority { p.priority = v }
            if let v = patch.isActive { p.isActive = v }
            let now = VLMTime.nowISO()
            p.updatedAt = now
            let nsChanged = p.namespace != old.namespace
            let langChanged = p.lang != old.lang
            let keyChanged = nsChanged || p.name != old.name || p.version != old.version
            let activeChanged = p.isActive != old.isActive

            var keys: [KvKey] = [VLMKeys.indexNamespace(old.namespace), VLMKeys.indexNamespaceLang(old.namespace, old.lang),
                                 VLMKeys.indexActive, VLMKeys.defaultPointer(old.namespace, old.lang),
                                 VLMKeys.indexNamespace(p.namespace), VLMKeys.indexNamespaceLang(p.namespace, p.lang),
                                 VLMKeys.secondary(p)]
            if let nonce { keys.append(nonce.key) }
            let e = try await kv.getMany(keys)
            if nonce != nil, e[7].versionstamp != nil { throw VLMNonce.replay() }
            if keyChanged, e[6].versionstamp != nil { throw Self.duplicate(e[6]) }

            // A default that leaves its (namespace, lang) or becomes inactive stops being the default.
            let pointerIsMine = Self.int(e[3]) == id
            let dropDefault = old.isDefault && (nsChanged || langChanged || !p.isActive)
            if dropDefault { p.isDefault = false }
            try Self.ensureFits(p)

            let op = kv.atomic().check(VLMKeys.byId(id), versionstamp: stamp)
            for i in 0..<6 { op.check(keys[i], versionstamp: e[i].versionstamp) }
            if keyChanged {
                op.check(VLMKeys.secondary(p), versionstamp: nil)
                op.delete(VLMKeys.secondary(old))
            }
            setPrompt(op, p)
            if nsChanged {
                op.set(keys[0], Self.removing(id, from: Self.ids(e[0])))
                op.set(keys[4], Self.adding(id, to: Self.ids(e[4])))
            }
            if nsChanged || langChanged {
                op.set(keys[1], Self.removing(id, from: Self.ids(e[1])))
                op.set(keys[5], Self.adding(id, to: Self.ids(e[5])))
            }
            if activeChanged {
                op.set(VLMKeys.indexActive, p.isActive ? Self.adding(id, to: Self.ids(e[2])) : Self.removing(id, from: Self.ids(e[2])))
            }
            if dropDefault && pointerIsMine { op.delete(keys[3]) }
            op.set(VLMKeys.updatedAt, .string(now))
            nonce?.apply(to: op)
            return try await op.commit().ok ? (old, p) : nil
        }
    }

    enum SetDefaultResult: Sendable {
        case failed
        case ok(prompt: VLMPrompt, previous: Int?)
    }

    /// Makes `id` the default of its (namespace, lang); the previous default gets `is_default: false`.
    func setDefault(id: Int, nonce: VLMNonce?) async throws -> SetDefaultResult {
        try await VLMRetry.run { () async throws -> SetDefaultResult? in
            guard let (current, stamp) = try await entry(id) else { return .failed }
            guard current.isActive else { return .failed }
            let pointer = VLMKeys.defaultPointer(current.namespace, current.lang)
            var keys = [pointer]
            if let nonce { keys.append(nonce.key) }
            let e = try await kv.getMany(keys)
            if nonce != nil, e[1].versionstamp != nil { throw VLMNonce.replay() }
            let now = VLMTime.nowISO()
            let op = kv.atomic().check(VLMKeys.byId(id), versionstamp: stamp).check(pointer, versionstamp: e[0].versionstamp)
            let previous = Self.int(e[0])
            if let oldId = previous, oldId != id {
                try await unsetDefault(oldId, in: op, now: now)
            }
            var p = current
            p.isDefault = true
            p.updatedAt = now
            setPrompt(op, p)
            op.set(pointer, .number(Double(id)))
            op.set(VLMKeys.updatedAt, .string(now))
            nonce?.apply(to: op)
            return try await op.commit().ok ? .ok(prompt: p, previous: previous == id ? nil : previous) : nil
        }
    }

    /// Deletes a prompt with its secondary key, index entries and default pointer. 404 when missing.
    func delete(id: Int, nonce: VLMNonce?) async throws -> VLMPrompt {
        try await VLMRetry.run { () async throws -> VLMPrompt? in
            guard let (p, stamp) = try await entry(id) else { throw VLM.notFound() }
            var keys: [KvKey] = [VLMKeys.indexNamespace(p.namespace), VLMKeys.indexNamespaceLang(p.namespace, p.lang),
                                 VLMKeys.indexActive, VLMKeys.defaultPointer(p.namespace, p.lang), VLMKeys.secondary(p)]
            if let nonce { keys.append(nonce.key) }
            let e = try await kv.getMany(keys)
            if nonce != nil, e[5].versionstamp != nil { throw VLMNonce.replay() }
            let op = kv.atomic().check(VLMKeys.byId(id), versionstamp: stamp)
            for i in 0..<5 { op.check(keys[i], versionstamp: e[i].versionstamp) }
            op.delete(VLMKeys.byId(id))
            if Self.prompt(e[4])?.id == id { op.delete(keys[4]) }
            op.set(keys[0], Self.removing(id, from: Self.ids(e[0])))
            op.set(keys[1], Self.removing(id, from: Self.ids(e[1])))
            if Self.ids(e[2]).contains(id) { op.set(keys[2], Self.removing(id, from: Self.ids(e[2]))) }
            if Self.int(e[3]) == id { op.delete(keys[3]) }
            op.set(VLMKeys.updatedAt, .string(VLMTime.nowISO()))
            nonce?.apply(to: op)
            return try await op.commit().ok ? p : nil
        }
    }

    // MARK: restore

    enum RestoreOutcome: Sendable, Equatable {
        case restored
        /// Another prompt already owns this (namespace, name, version).
        case conflict(existingId: Int)
    }

    /// Writes a prompt from a backup at its own id (replacing a prompt with that id), with its
    /// secondary key, index entries and, when it was the default, the default pointer; the counter
    /// never goes below the id. One atomic commit per prompt (after removing a replaced prompt).
    func restore(_ prompt: VLMPrompt) async throws -> RestoreOutcome {
        if let (existing, _) = try await entry(prompt.id) {
            if let owner = Self.prompt(try await kv.get(VLMKeys.secondary(prompt))), owner.id != prompt.id {
                return .conflict(existingId: owner.id)
            }
            _ = try? await delete(id: existing.id, nonce: nil)
        }
        try Self.ensureFits(prompt)
        return try await VLMRetry.run { () async throws -> RestoreOutcome? in
            var p = prompt
            let keys: [KvKey] = [VLMKeys.counter, VLMKeys.secondary(p), VLMKeys.indexNamespace(p.namespace),
                                 VLMKeys.indexNamespaceLang(p.namespace, p.lang), VLMKeys.indexActive,
                                 VLMKeys.defaultPointer(p.namespace, p.lang)]
            let e = try await kv.getMany(keys)
            if e[1].versionstamp != nil {
                return .conflict(existingId: Self.prompt(e[1])?.id ?? -1)
            }
            let op = kv.atomic().check(VLMKeys.byId(p.id), versionstamp: nil)
            for i in 0..<6 { op.check(keys[i], versionstamp: e[i].versionstamp) }
            let wantsDefault = p.isDefault && p.isActive
            p.isDefault = wantsDefault
            if wantsDefault {
                if let oldId = Self.int(e[5]), oldId != p.id, let (old, vs) = try await entry(oldId) {
                    var o = old
                    o.isDefault = false
                    op.check(VLMKeys.byId(oldId), versionstamp: vs)
                    setPrompt(op, o)
                }
                op.set(keys[5], .number(Double(p.id)))
            }
            op.set(VLMKeys.counter, .number(Double(max(p.id, Self.int(e[0]) ?? 0))))
            setPrompt(op, p)
            op.set(keys[2], Self.adding(p.id, to: Self.ids(e[2])))
            op.set(keys[3], Self.adding(p.id, to: Self.ids(e[3])))
            if p.isActive { op.set(keys[4], Self.adding(p.id, to: Self.ids(e[4]))) }
            op.set(VLMKeys.updatedAt, .string(VLMTime.nowISO()))
            return try await op.commit().ok ? .restored : nil
        }
    }
}

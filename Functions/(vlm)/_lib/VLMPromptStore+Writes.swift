import EdgeRuntime

extension VLMPromptStore {
    // MARK: helpers for commits

    static func duplicate(_ existing: VLMPrompt?) -> HTTPError {
        var details: [String: JSONValue] = [:]
        if let p = existing { details["id"] = .number(Double(p.id)) }
        return VLM.error(.conflict, "Prompt already exists", code: "duplicate_prompt",
                         message: "A prompt with this namespace, name and version already exists", details: details)
    }

    /// The counter reached ``VLMLimits/promptIds``' end (only a restore of such an id gets it there).
    static func idsExhausted() -> HTTPError {
        VLM.error(HTTPResponse.Status(code: 507), "Prompt ids exhausted", code: "ids_exhausted",
                  message: "The prompt id counter reached \(VLMLimits.promptIds.upperBound)")
    }

    /// Adds to `op` the clearing of `oldId`'s default flag, checked at the versionstamp just read (or a
    /// check that it is gone), so the switch of defaults stays one serializable commit. A corrupt old
    /// default is checked and left as it is.
    func unsetDefault(_ oldId: Int, in op: KvAtomicOperation, now: String?) async throws {
        switch try await record(oldId) {
        case .missing: op.check(VLMKeys.byId(oldId), versionstamp: nil)
        case .corrupt(let vs): op.check(VLMKeys.byId(oldId), versionstamp: vs)
        case .prompt(var o, let vs):
            o.isDefault = false
            if let now { o.updatedAt = now }
            op.check(VLMKeys.byId(oldId), versionstamp: vs)
            setPrompt(op, o)
        }
    }

    func setPrompt(_ op: KvAtomicOperation, _ p: VLMPrompt) {
        op.set(VLMKeys.byId(p.id), p.kvValue).set(VLMKeys.secondary(p), p.kvValue)
    }

    /// Adds `p`'s index entries (namespace, namespace+lang, and active when it is).
    func index(_ op: KvAtomicOperation, _ p: VLMPrompt) {
        op.set(VLMKeys.namespaceEntry(p.namespace, p.id), .bool(true))
        op.set(VLMKeys.langEntry(p.namespace, p.lang, p.id), .bool(true))
        if p.isActive { op.set(VLMKeys.activeEntry(p.id), .bool(true)) }
    }

    /// Removes `p`'s index entries.
    func unindex(_ op: KvAtomicOperation, _ p: VLMPrompt) {
        op.delete(VLMKeys.namespaceEntry(p.namespace, p.id))
        op.delete(VLMKeys.langEntry(p.namespace, p.lang, p.id))
        op.delete(VLMKeys.activeEntry(p.id))
    }

    /// Rejects a prompt whose stored form would pass the 64 KiB value limit (4xx, never a 500).
    static func ensureFits(_ p: VLMPrompt) throws {
        if !fits(p) {
            throw VLM.error(.contentTooLarge, "Prompt too large", code: "payload_too_large",
                            message: "The stored prompt would exceed the 64 KiB KV value limit")
        }
    }

    static func fits(_ p: VLMPrompt) -> Bool { KvStoredValue(p.kvValue).payload.count <= KvLimits.maxValueBytes }

    // MARK: writes

    /// Creates a prompt (201 body), optionally as the new default of its (namespace, lang).
    func create(_ input: VLMPromptInput.Create, nonce: VLMNonce?) async throws -> VLMPrompt {
        try await VLMIndexMigration.ensure(kv, logger: logger)
        let secondary = VLMKeys.secondary(input.namespace, input.name, input.version)
        let pointer = VLMKeys.defaultPointer(input.namespace, input.lang)
        let wantsDefault = input.makeDefault && input.isActive
        return try await VLMRetry.run { () async throws -> VLMPrompt? in
            var keys = [VLMKeys.counter, secondary, pointer]
            if let nonce { keys.append(nonce.key) }
            let e = try await kv.getMany(keys)
            if nonce != nil, e[3].versionstamp != nil { throw VLMNonce.replay() }
            if e[1].versionstamp != nil { throw Self.duplicate(decode(e[1])) }
            let last = try await lastId(e[0])
            guard last < VLMLimits.promptIds.upperBound else { throw Self.idsExhausted() }
            let id = last + 1
            let now = VLMTime.nowISO()
            let p = VLMPrompt(id: id, namespace: input.namespace, name: input.name, version: input.version,
                              lang: input.lang, text: input.text, tags: input.tags, priority: input.priority,
                              isActive: input.isActive, isDefault: wantsDefault, createdAt: now, updatedAt: now)
            try Self.ensureFits(p)
            let op = kv.atomic()
                .check(VLMKeys.counter, versionstamp: e[0].versionstamp)
                .check(secondary, versionstamp: nil)
                .check(VLMKeys.byId(id), versionstamp: nil)
            if wantsDefault {
                op.check(pointer, versionstamp: e[2].versionstamp)
                if let oldId = Self.int(e[2]), oldId != id {
                    try await unsetDefault(oldId, in: op, now: now)
                }
                op.set(pointer, .number(Double(id)))
            }
            op.set(VLMKeys.counter, .number(Double(id)))
            setPrompt(op, p)
            index(op, p)
            op.set(VLMKeys.updatedAt, .string(now))
            nonce?.apply(to: op)
            return try await op.commit().ok ? p : nil
        }
    }

    /// Applies a partial update; moves secondary/index/default entries when their fields change.
    /// Returns (before, after). 404 when missing, 409 when moving onto another prompt's key.
    func update(id: Int, patch: VLMPromptInput.Patch, nonce: VLMNonce?) async throws -> (old: VLMPrompt, new: VLMPrompt) {
        try await VLMIndexMigration.ensure(kv, logger: logger)
        return try await VLMRetry.run { () async throws -> (old: VLMPrompt, new: VLMPrompt)? in
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

            var keys: [KvKey] = [VLMKeys.defaultPointer(old.namespace, old.lang), VLMKeys.secondary(p)]
            if let nonce { keys.append(nonce.key) }
            let e = try await kv.getMany(keys)
            if nonce != nil, e[2].versionstamp != nil { throw VLMNonce.replay() }
            if keyChanged, e[1].versionstamp != nil { throw Self.duplicate(decode(e[1])) }

            // A default that leaves its (namespace, lang) or becomes inactive stops being the default.
            let pointerIsMine = Self.int(e[0]) == id
            let dropDefault = old.isDefault && (nsChanged || langChanged || !p.isActive)
            if dropDefault { p.isDefault = false }
            try Self.ensureFits(p)

            let op = kv.atomic().check(VLMKeys.byId(id), versionstamp: stamp).check(keys[0], versionstamp: e[0].versionstamp)
            if keyChanged {
                op.check(VLMKeys.secondary(p), versionstamp: nil)
                op.delete(VLMKeys.secondary(old))
            }
            setPrompt(op, p)
            if nsChanged {
                op.delete(VLMKeys.namespaceEntry(old.namespace, id))
                op.set(VLMKeys.namespaceEntry(p.namespace, id), .bool(true))
            }
            if nsChanged || langChanged {
                op.delete(VLMKeys.langEntry(old.namespace, old.lang, id))
                op.set(VLMKeys.langEntry(p.namespace, p.lang, id), .bool(true))
            }
            if activeChanged {
                if p.isActive { op.set(VLMKeys.activeEntry(id), .bool(true)) } else { op.delete(VLMKeys.activeEntry(id)) }
            }
            if dropDefault && pointerIsMine { op.delete(keys[0]) }
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
    /// A corrupt record is removed too (its `by_id` key and active entry: the rest cannot be read from
    /// it, and list skips what it left); then the result is nil.
    func delete(id: Int, nonce: VLMNonce?) async throws -> VLMPrompt? {
        try await VLMIndexMigration.ensure(kv, logger: logger)
        return try await VLMRetry.run { () async throws -> VLMPrompt?? in
            let p: VLMPrompt, stamp: Versionstamp
            switch try await record(id) {
            case .missing: throw VLM.notFound()
            case .corrupt(let vs):
                let op = kv.atomic().check(VLMKeys.byId(id), versionstamp: vs)
                op.delete(VLMKeys.byId(id)).delete(VLMKeys.activeEntry(id)).set(VLMKeys.updatedAt, .string(VLMTime.nowISO()))
                nonce?.apply(to: op)
                guard try await op.commit().ok else { return nil }
                logger?.warning("[PROMPTS] Corrupt prompt record deleted", metadata: ["key": .string("\(VLMKeys.byId(id))")])
                return .some(nil)
            case .prompt(let found, let vs):
                p = found
                stamp = vs
            }
            var keys: [KvKey] = [VLMKeys.defaultPointer(p.namespace, p.lang), VLMKeys.secondary(p)]
            if let nonce { keys.append(nonce.key) }
            let e = try await kv.getMany(keys)
            if nonce != nil, e[2].versionstamp != nil { throw VLMNonce.replay() }
            let op = kv.atomic().check(VLMKeys.byId(id), versionstamp: stamp)
            for i in 0..<2 { op.check(keys[i], versionstamp: e[i].versionstamp) }
            op.delete(VLMKeys.byId(id))
            if decode(e[1])?.id == id { op.delete(keys[1]) }
            unindex(op, p)
            if Self.int(e[0]) == id { op.delete(keys[0]) }
            op.set(VLMKeys.updatedAt, .string(VLMTime.nowISO()))
            nonce?.apply(to: op)
            return try await op.commit().ok ? .some(p) : nil
        }
    }
}

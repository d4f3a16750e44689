import EdgeRuntime

extension VLMPromptStore {
    enum RestoreOutcome: Sendable, Equatable {
        case restored
        /// Another prompt already owns this (namespace, name, version); -1 when that record is unreadable.
        case conflict(existingId: Int)
    }

    /// Writes a prompt from a backup at its own id (replacing a prompt with that id, or a corrupt record
    /// there), with its secondary key, index entries and, when it was the default, the default pointer;
    /// the counter never goes below the id. One atomic commit per prompt (after removing a replaced
    /// prompt). The caller validated the prompt (``VLMAdminRestore/validate(_:)``: ids, versions and
    /// priorities inside ``VLMLimits``).
    func restore(_ prompt: VLMPrompt) async throws -> RestoreOutcome {
        try await VLMIndexMigration.ensure(kv, logger: logger)
        try Self.ensureFits(prompt)
        if case .prompt(let existing, _) = try await record(prompt.id) {
            if let owner = decode(try await kv.get(VLMKeys.secondary(prompt))), owner.id != prompt.id {
                return .conflict(existingId: owner.id)
            }
            _ = try? await delete(id: existing.id, nonce: nil)
        }
        return try await VLMRetry.run { () async throws -> RestoreOutcome? in
            var p = prompt
            let keys: [KvKey] = [VLMKeys.counter, VLMKeys.secondary(p), VLMKeys.defaultPointer(p.namespace, p.lang), VLMKeys.byId(p.id)]
            let e = try await kv.getMany(keys)
            if e[1].versionstamp != nil {
                return .conflict(existingId: decode(e[1])?.id ?? -1)
            }
            // Only a corrupt record may be overwritten here; a readable one was deleted above.
            var replaces: Versionstamp?
            if case .corrupt(let vs) = try await record(p.id), vs == e[3].versionstamp { replaces = vs }
            let op = kv.atomic().check(keys[3], versionstamp: replaces)
            for i in 0..<3 { op.check(keys[i], versionstamp: e[i].versionstamp) }
            let wantsDefault = p.isDefault && p.isActive
            p.isDefault = wantsDefault
            if wantsDefault {
                if let oldId = Self.int(e[2]), oldId != p.id { try await unsetDefault(oldId, in: op, now: nil) }
                op.set(keys[2], .number(Double(p.id)))
            }
            op.set(VLMKeys.counter, .number(Double(max(p.id, try await lastId(e[0])))))
            setPrompt(op, p)
            index(op, p)
            op.set(VLMKeys.updatedAt, .string(VLMTime.nowISO()))
            return try await op.commit().ok ? .restored : nil
        }
    }
}

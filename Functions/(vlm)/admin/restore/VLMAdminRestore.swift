import EdgeRuntime

/// `POST /admin/restore` (admin): restores prompts from a backup. Body: the document `POST /admin/backup`
/// downloads (`{exported_at, count, prompts}`), or `{"key": "<exported_at>"}` to restore the copy the cron
/// stored at `["backups", <exported_at>]`. Each prompt is written at its id with its secondary key, index
/// entries and default pointer; a prompt whose (namespace, name, version) belongs to another id is skipped
/// and listed in `conflicts`. Every prompt is validated before anything is written (``validate(_:)``); a
/// bad one is 400 `Invalid field: prompts` naming its index.
struct VLMAdminRestore: EdgeFunction {
    static let methods: HTTPMethods = [.post]

    private struct Document: Decodable { let prompts: [VLMPrompt] }

    /// The rules of create (§5.4) plus the id range: ids, versions and priorities inside ``VLMLimits``
    /// (a number past them would not survive KV's Doubles), and a stored form under 64 KiB.
    static func validate(_ p: VLMPrompt) -> Bool {
        let short = [p.namespace, p.name, p.lang].allSatisfy { !$0.isEmpty && $0.utf16.count <= VLMPromptInput.maxShort }
        return VLMLimits.promptIds.contains(p.id) && VLMLimits.versions.contains(p.version)
            && VLMLimits.priorities.contains(p.priority) && short && !VLMPromptInput.reservedNamespaces.contains(p.namespace)
            && !p.text.isEmpty && p.text.utf16.count <= VLMPromptInput.maxText && VLMPromptStore.fits(p)
    }

    func handle(_ request: Request, context: Context) async throws -> Response {
        let nonce = try await VLMWriteGuard.admit(.admin, request: request, context: context)
        let kv = try context.kv
        let body = try await VLM.jsonObject(request)
        var text: [UInt8]
        if case .string(let key)? = body["key"] {
            guard let stored = try await VLMBackup.load(["backups", .string(key)], kv: kv) else {
                throw VLM.error(.notFound, "Backup not found", code: "not_found")
            }
            text = Array(stored.utf8)
        } else {
            text = try await request.bytes()
        }
        let doc: Document
        do { doc = try JSON.decode(Document.self, from: text) } catch { throw VLM.invalidField("prompts") }
        if let bad = doc.prompts.firstIndex(where: { !Self.validate($0) }) {
            throw VLM.error(.badRequest, "Invalid field: prompts", code: "invalid_request",
                            message: "prompts[\(bad)] is not a valid prompt", details: ["index": .number(Double(bad))])
        }
        try await nonce?.consume(kv)
        let store = VLMPromptStore(kv: kv, logger: context.logger)
        var restored = 0
        var conflicts: [JSONValue] = []
        for p in doc.prompts.sorted(by: { $0.id < $1.id }) {
            switch try await store.restore(p) {
            case .restored: restored += 1
            case .conflict(let existing): conflicts.append(.object(["id": .number(Double(p.id)), "existing_id": .number(Double(existing))]))
            }
        }
        VLMCache.shared.clear(kv)
        context.logger.info("[BACKUP] Restore complete", metadata: ["restored": .stringConvertible(restored), "conflicts": .stringConvertible(conflicts.count)])
        return .json(.object(["success": .bool(true), "restored": .number(Double(restored)), "conflicts": .array(conflicts)]))
    }
}

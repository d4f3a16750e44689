import EdgeRuntime

/// Backups (§5.7): the export document, the KV copy under `["backups", <ISO>]` (30-day expireIn) and
/// the optional Supabase Storage upload.
enum VLMBackup {
    static let retentionMs = 30 * 24 * 60 * 60 * 1000
    /// Largest string part stored per KV value (the limit is 64 KiB for the encoded value).
    static let partBytes = 60_000
    /// Parts per atomic commit (stays under the 800 KiB commit limit).
    static let partsPerCommit = 12

    struct Export: Sendable {
        let exportedAt: String
        let exportedAtMs: Int64
        let count: Int
        let bytes: [UInt8]
    }

    /// `JSON.stringify({exported_at, count, prompts}, null, 2)`.
    static func export(_ kv: Kv) async throws -> Export {
        let prompts = try await VLMPromptStore(kv: kv).exportAll()
        let ms = VLMTime.nowMs()
        let at = VLMTime.iso(ms)
        let doc: JSONValue = .object([
            "exported_at": .string(at), "count": .number(Double(prompts.count)), "prompts": .array(prompts.map(\.json)),
        ])
        return Export(exportedAt: at, exportedAtMs: ms, count: prompts.count, bytes: doc.serialized(pretty: true))
    }

    /// Splits UTF-8 text into parts of at most `max` bytes without cutting a character.
    static func split(_ bytes: [UInt8], max: Int) -> [String] {
        var parts: [String] = []
        var start = 0
        while start < bytes.count {
            var end = Swift.min(bytes.count, start + max)
            while end < bytes.count, end > start, bytes[end] & 0xC0 == 0x80 { end -= 1 }
            parts.append(String(decoding: bytes[start..<end], as: UTF8.self))
            start = end
        }
        return parts
    }

    struct Stored: Sendable {
        let key: KvKey
        let parts: Int
    }

    /// Stores the export at `["backups", exported_at]`: the JSON string itself when it fits in one value
    /// (the seed's shape), else a manifest `{format:"chunked", parts, bytes, count, exported_at}` there and
    /// the text in `["backups", exported_at, i]` (i = 0..<parts), written before the manifest.
    static func store(_ export: Export, kv: Kv) async throws -> Stored {
        let key: KvKey = ["backups", .string(export.exportedAt)]
        let text = String(decoding: export.bytes, as: UTF8.self)
        if KvStoredValue(.string(text)).payload.count <= KvLimits.maxValueBytes {
            _ = try await kv.atomic().set(key, .string(text), expireIn: retentionMs).commit()
            return Stored(key: key, parts: 1)
        }
        let parts = split(export.bytes, max: partBytes)
        var i = 0
        while i < parts.count {
            let op = kv.atomic()
            for j in i..<Swift.min(parts.count, i + partsPerCommit) {
                op.set(key + [.number(Double(j))], .string(parts[j]), expireIn: retentionMs)
            }
            _ = try await op.commit()
            i += partsPerCommit
        }
        let manifest: KvValue = .object([
            .init("format", "chunked"), .init("exported_at", .string(export.exportedAt)),
            .init("count", .number(Double(export.count))), .init("parts", .number(Double(parts.count))),
            .init("bytes", .number(Double(export.bytes.count))),
        ])
        _ = try await kv.atomic().set(key, manifest, expireIn: retentionMs).commit()
        return Stored(key: key, parts: parts.count)
    }

    /// Reads a stored backup back as its JSON text (either shape); nil when missing or malformed.
    static func load(_ key: KvKey, kv: Kv) async throws -> String? {
        let e = try await kv.get(key)
        switch e.value {
        case .string(let s)?: return s
        case .object?:
            // A manifest is stored data: a part count that is not 1 ... maxBackupParts is corrupt, not a trap.
            guard let parts = VLMLimits.int(e.value?[member: "parts"], in: 1...VLMLimits.maxBackupParts) else { return nil }
            var out = ""
            for i in 0..<parts {
                guard case .string(let s)? = try await kv.get(key + [.number(Double(i))]).value else { return nil }
                out += s
            }
            return out
        default: return nil
        }
    }

    /// Uploads to Supabase Storage bucket `backups` when `SUPABASE_URL` and `SUPABASE_SERVICE_KEY`
    /// are set; returns the object path, nil when not configured or on failure (logged, never fatal).
    static func uploadToSupabase(_ export: Export, filename: String, context: Context) async -> String? {
        let env = context.env
        guard var base = env["SUPABASE_URL"], !base.isEmpty, let key = env["SUPABASE_SERVICE_KEY"], !key.isEmpty else { return nil }
        while base.hasSuffix("/") { base.removeLast() }
        let request = FetchRequest(
            url: "\(base)/storage/v1/object/backups/\(filename)", method: "POST",
            headers: ["Authorization": "Bearer \(key)", "apikey": key, "Content-Type": "application/json", "x-upsert": "true"],
            body: .bytes(export.bytes),
            timeouts: FetchTimeouts(connect: .seconds(10), firstByte: .seconds(60), total: .seconds(120)))
        do {
            let response = try await context.fetch(request)
            _ = try? await response.body.bytes(upTo: 1 << 20)
            guard response.ok else {
                context.logger.error("[BACKUP] Supabase upload failed", metadata: ["status": .stringConvertible(response.status)])
                return nil
            }
            return "backups/\(filename)"
        } catch {
            context.logger.error("[BACKUP] Supabase upload failed", metadata: ["error": .string("\(error)")])
            return nil
        }
    }
}

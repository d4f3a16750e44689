import EdgeRuntime

/// Session snapshots in KV, exactly as sent, up to ``maxStateBytes``.
///
/// Layout: the record `["director","session",id]` holds `{updatedAt, size, gen, chunks}` and, for states
/// up to ``inlineLimit``, the state bytes themselves (`inline`). Larger states are split into immutable
/// chunks `["director","session_chunk",id,gen,i]` (each under Deno's 64 KiB value limit) written first,
/// in commits under Deno's 800 KiB total; then ONE atomic commit checks the record's versionstamp and
/// points it at the new generation. Readers therefore see the old state or the new one, never a mix, and
/// a lost race leaves only unreferenced chunks, which expire. Old generations are deleted after the swap.
/// TTL (`SESSION_TTL_SEC`) restarts on every successful write; chunks live an hour longer than records.
struct SessionStore {
    static let maxStateBytes = 1 << 20
    static let inlineLimit = 60 * 1024
    static let chunkSize = 60 * 1024
    static let chunksPerCommit = 12
    static let maxRetries = 64

    let kv: Kv
    let ttlMs: Int

    struct Record {
        let updatedAt: Int64
        let state: [UInt8]
    }

    enum SaveResult {
        case saved
        case stale(Record)
    }

    static func recordKey(_ id: String) -> KvKey { ["director", "session", .string(id)] }
    static func chunkKey(_ id: String, _ gen: String, _ i: Int) -> KvKey { ["director", "session_chunk", .string(id), .string(gen), .number(Double(i))] }

    private struct Meta {
        let updatedAt: Int64
        let size: Int
        let gen: String
        let chunks: Int
        let inline: [UInt8]?

        init(updatedAt: Int64, size: Int, gen: String, chunks: Int, inline: [UInt8]?) {
            self.updatedAt = updatedAt; self.size = size; self.gen = gen; self.chunks = chunks; self.inline = inline
        }

        init?(_ v: KvValue?) {
            guard let v, case .number(let u)? = v[member: "updatedAt"], case .number(let s)? = v[member: "size"],
                  case .string(let g)? = v[member: "gen"], case .number(let c)? = v[member: "chunks"] else { return nil }
            updatedAt = Int64(u); size = Int(s); gen = g; chunks = Int(c)
            if case .bytes(let b)? = v[member: "inline"] { inline = b } else { inline = nil }
        }

        var value: KvValue {
            var members: [KvValue.Member] = [
                .init("updatedAt", .number(Double(updatedAt))), .init("size", .number(Double(size))),
                .init("gen", .string(gen)), .init("chunks", .number(Double(chunks))),
            ]
            if let inline { members.append(.init("inline", .bytes(inline))) }
            return .object(members)
        }
    }

    func load(_ id: String) async throws -> Record? {
        for _ in 0..<8 {
            let entry = try await kv.get(Self.recordKey(id))
            guard entry.versionstamp != nil else { return nil }
            guard let meta = Meta(entry.value) else { throw HTTPError(.internalServerError, code: "corrupt_session", message: "Stored session record is unreadable") }
            if let inline = meta.inline { return Record(updatedAt: meta.updatedAt, state: inline) }
            if let bytes = try await readChunks(id, meta) { return Record(updatedAt: meta.updatedAt, state: bytes) }
            // A newer write replaced this generation while we read it: read the record again.
        }
        throw HTTPError(.serviceUnavailable, code: "storage_busy", message: "The session changed too often to read; retry")
    }

    private func readChunks(_ id: String, _ meta: Meta) async throws -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(meta.size)
        var i = 0
        while i < meta.chunks {
            let keys = (i..<min(meta.chunks, i + KvLimits.maxReadRanges)).map { Self.chunkKey(id, meta.gen, $0) }
            for e in try await kv.getMany(keys) {
                guard case .bytes(let b)? = e.value else { return nil }
                out.append(contentsOf: b)
            }
            i += keys.count
        }
        return out.count == meta.size ? out : nil
    }

    func save(_ id: String, updatedAt: Int64, state: [UInt8]) async throws -> SaveResult {
        var gen = ""
        var chunks = 0
        if state.count > Self.inlineLimit {
            gen = Self.newGeneration()
            chunks = try await writeChunks(id, gen, state)
        }
        let meta = Meta(updatedAt: updatedAt, size: state.count, gen: gen, chunks: chunks, inline: chunks == 0 ? state : nil)
        for _ in 0..<Self.maxRetries {
            let current = try await kv.get(Self.recordKey(id))
            let old = Meta(current.value)
            if let old, current.versionstamp != nil, updatedAt < old.updatedAt {
                if chunks > 0 { try await deleteChunks(id, gen, chunks) }
                if let stored = try await load(id) { return .stale(stored) }
                continue
            }
            let result = try await kv.atomic()
                .check(Self.recordKey(id), versionstamp: current.versionstamp)
                .set(Self.recordKey(id), meta.value, expireIn: ttlMs)
                .commit()
            if case .ok = result {
                if let old, old.chunks > 0 { try? await deleteChunks(id, old.gen, old.chunks) }
                return .saved
            }
        }
        throw HTTPError(.serviceUnavailable, code: "storage_busy", message: "Too many concurrent writes to this session; retry")
    }

    func delete(_ id: String) async throws {
        let current = try await kv.get(Self.recordKey(id))
        try await kv.delete(Self.recordKey(id))
        if let old = Meta(current.value), old.chunks > 0 { try? await deleteChunks(id, old.gen, old.chunks) }
    }

    private func writeChunks(_ id: String, _ gen: String, _ state: [UInt8]) async throws -> Int {
        let count = (state.count + Self.chunkSize - 1) / Self.chunkSize
        var i = 0
        while i < count {
            let op = kv.atomic()
            for j in i..<min(count, i + Self.chunksPerCommit) {
                let slice = Array(state[(j * Self.chunkSize)..<min(state.count, (j + 1) * Self.chunkSize)])
                op.set(Self.chunkKey(id, gen, j), .bytes(slice), expireIn: ttlMs + 3_600_000)
            }
            _ = try await op.commit()
            i += Self.chunksPerCommit
        }
        return count
    }

    private func deleteChunks(_ id: String, _ gen: String, _ count: Int) async throws {
        var i = 0
        while i < count {
            let op = kv.atomic()
            for j in i..<min(count, i + 100) { op.delete(Self.chunkKey(id, gen, j)) }
            _ = try await op.commit()
            i += 100
        }
    }

    static func newGeneration() -> String {
        var g = SystemRandomNumberGenerator()
        let a = g.next() as UInt64
        let s = String(a, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}

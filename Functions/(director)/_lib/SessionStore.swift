import EdgeRuntime

/// Session snapshots in KV, exactly as sent, up to ``maxStateBytes``: the record
/// `["director","session",id]` holds `updatedAt` and the state (chunked past 60 KiB under
/// `["director","session_chunk",id]`, see `KvChunkedValues`). A write older than the stored snapshot's
/// `updatedAt` is rejected with the stored one. The TTL (`SESSION_TTL_SEC`) restarts on every write.
struct SessionStore {
    static let maxStateBytes = 1 << 20

    let values: KvChunkedValues
    let ttlMs: Int

    init(kv: Kv, ttlMs: Int) {
        values = KvChunkedValues(kv: kv, maxBytes: Self.maxStateBytes) { key in
            ["director", "session_chunk"] + key.dropFirst(2)
        }
        self.ttlMs = ttlMs
    }

    struct Record {
        let updatedAt: Int64
        let state: [UInt8]

        init(updatedAt: Int64, state: [UInt8]) {
            self.updatedAt = updatedAt
            self.state = state
        }

        init(_ entry: KvChunkedValues.Entry) {
            var at: Int64 = 0
            if case .number(let n)? = entry[member: "updatedAt"], n.isFinite, abs(n) < 9.0e18 { at = Int64(n) }  // never a trap on stored data
            self.init(updatedAt: at, state: entry.bytes)
        }
    }

    enum SaveResult {
        case saved
        case stale(Record)
    }

    static func recordKey(_ id: String) -> KvKey { ["director", "session", .string(id)] }

    func load(_ id: String) async throws -> Record? {
        try await values.get(Self.recordKey(id)).map(Record.init)
    }

    func save(_ id: String, updatedAt: Int64, state: [UInt8]) async throws -> SaveResult {
        let result = try await values.set(
            Self.recordKey(id), state, members: [.init("updatedAt", .number(Double(updatedAt)))], expireIn: ttlMs,
            unless: { stored in updatedAt < Record(stored).updatedAt })
        switch result {
        case .written: return .saved
        case .rejected(let stored): return .stale(Record(stored))
        }
    }

    func delete(_ id: String) async throws {
        try await values.delete(Self.recordKey(id))
    }
}

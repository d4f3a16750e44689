/// Byte values larger than Deno's 64 KiB value limit, stored as chunks behind one record.
///
/// Layout: the record at `key` is an object `{...members, size, gen, chunks, inline?}`: the caller's own
/// members first (e.g. `updatedAt`), then the value's size and, for values up to ``inlineLimit``, the bytes
/// themselves (`inline`). A larger value is split into immutable chunks at
/// `chunkPrefix(key) + [gen, i]` (each under the value limit), written first in commits under the total
/// mutation limit; then ONE atomic commit checks the record's versionstamp and points it at the new
/// generation. Readers see the old value or the new one, never a mix; a writer that loses a race leaves
/// only unreferenced chunks, which it deletes (and which expire an hour after the record would anyway).
/// Old generations are deleted after the swap.
public struct KvChunkedValues: Sendable {
    /// Values up to this size live in the record itself.
    public static let inlineLimit = 60 * 1024
    /// The size of each chunk of a larger value.
    public static let chunkSize = 60 * 1024
    /// Chunks per commit (12 x 60 KiB stays under the 800 KiB total mutation size).
    public static let chunksPerCommit = 12
    /// Attempts of one write or read against concurrent writers before ``KvError/Code/busy``.
    public static let maxAttempts = 64
    /// How much longer chunks live than their record (a reader between the two expiries sees no record).
    public static let chunkGraceMs = 3_600_000

    public let kv: Kv
    /// The largest value accepted (``KvError/Code/valueTooLarge`` past it).
    public let maxBytes: Int
    let chunkPrefix: @Sendable (KvKey) -> KvKey

    /// - Parameter chunkPrefix: where the chunks of a record's value live, e.g. a sibling key space so
    ///   that listing the records' prefix never meets a chunk.
    public init(kv: Kv, maxBytes: Int, chunkPrefix: @escaping @Sendable (KvKey) -> KvKey) {
        self.kv = kv
        self.maxBytes = maxBytes
        self.chunkPrefix = chunkPrefix
    }

    /// A stored value with the caller's record members.
    public struct Entry: Sendable {
        public let bytes: [UInt8]
        public let members: [KvValue.Member]
        public let versionstamp: Versionstamp

        public subscript(member name: String) -> KvValue? { members.first { $0.name == name }?.value }
    }

    public enum WriteResult: Sendable {
        case written(Versionstamp)
        /// `reject` refused the current value (returned here); nothing changed.
        case rejected(Entry)
    }

    /// The value at `key`, or nil. Retries when a writer swaps generations under the read.
    public func get(_ key: KvKey) async throws(KvError) -> Entry? {
        for _ in 0..<Self.maxAttempts {
            let entry = try await kv.get(key)
            guard let versionstamp = entry.versionstamp else { return nil }
            guard let record = Record(entry.value) else { throw KvError(.corrupt, "The record at \(key) is not a chunked value") }
            if let inline = record.inline { return Entry(bytes: inline, members: record.members, versionstamp: versionstamp) }
            if let bytes = try await readChunks(key, record) {
                return Entry(bytes: bytes, members: record.members, versionstamp: versionstamp)
            }
            // A newer write replaced this generation while we read it: read the record again.
        }
        throw KvError(.busy, "The value at \(key) changed too often to read; retry")
    }

    /// Writes `bytes` with `members` unless `reject` refuses the current value (stale-write protection).
    /// `expireIn` (ms) restarts with every write.
    public func set(_ key: KvKey, _ bytes: [UInt8], members: [KvValue.Member] = [], expireIn: Int? = nil,
                    unless reject: @Sendable (Entry) -> Bool = { _ in false }) async throws(KvError) -> WriteResult {
        guard bytes.count <= maxBytes else { throw KvError(.valueTooLarge, "Value too large (max \(maxBytes) bytes)") }
        var gen = ""
        var chunks = 0
        if bytes.count > Self.inlineLimit {
            gen = Self.newGeneration()
            chunks = try await writeChunks(key, gen, bytes, expireIn: expireIn)
        }
        let record = Record(members: members, size: bytes.count, gen: gen, chunks: chunks, inline: chunks == 0 ? bytes : nil)
        for _ in 0..<Self.maxAttempts {
            let current = try await kv.get(key)
            let old = Record(current.value)
            if current.versionstamp != nil, old != nil, let stored = try await get(key), reject(stored) {
                if chunks > 0 { try await deleteChunks(key, gen, chunks) }
                return .rejected(stored)
            }
            let result = try await kv.atomic().check(key, versionstamp: current.versionstamp)
                .set(key, record.value, expireIn: expireIn).commit()
            if case .ok(let versionstamp) = result {
                if let old, old.chunks > 0 { try? await deleteChunks(key, old.gen, old.chunks) }
                return .written(versionstamp)
            }
        }
        if chunks > 0 { try? await deleteChunks(key, gen, chunks) }
        throw KvError(.busy, "Too many concurrent writes to \(key); retry")
    }

    /// Deletes the value and its chunks (a missing key is fine).
    public func delete(_ key: KvKey) async throws(KvError) {
        let current = try await kv.get(key)
        try await kv.delete(key)
        if let old = Record(current.value), old.chunks > 0 { try? await deleteChunks(key, old.gen, old.chunks) }
    }

    // MARK: chunks

    private func chunkKey(_ key: KvKey, _ gen: String, _ i: Int) -> KvKey {
        chunkPrefix(key) + [.string(gen), .number(Double(i))]
    }

    private func readChunks(_ key: KvKey, _ record: Record) async throws(KvError) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(record.size)
        var i = 0
        while i < record.chunks {
            let keys = (i..<min(record.chunks, i + KvLimits.maxReadRanges)).map { chunkKey(key, record.gen, $0) }
            for e in try await kv.getMany(keys) {
                guard case .bytes(let b)? = e.value else { return nil }
                out.append(contentsOf: b)
            }
            i += keys.count
        }
        return out.count == record.size ? out : nil
    }

    private func writeChunks(_ key: KvKey, _ gen: String, _ bytes: [UInt8], expireIn: Int?) async throws(KvError) -> Int {
        let count = (bytes.count + Self.chunkSize - 1) / Self.chunkSize
        var i = 0
        while i < count {
            let op = kv.atomic()
            for j in i..<min(count, i + Self.chunksPerCommit) {
                let slice = Array(bytes[(j * Self.chunkSize)..<min(bytes.count, (j + 1) * Self.chunkSize)])
                op.set(chunkKey(key, gen, j), .bytes(slice), expireIn: expireIn.map { $0 + Self.chunkGraceMs })
            }
            _ = try await op.commit()
            i += Self.chunksPerCommit
        }
        return count
    }

    private func deleteChunks(_ key: KvKey, _ gen: String, _ count: Int) async throws(KvError) {
        var i = 0
        while i < count {
            let op = kv.atomic()
            for j in i..<min(count, i + 100) { op.delete(chunkKey(key, gen, j)) }
            _ = try await op.commit()
            i += 100
        }
    }

    static func newGeneration() -> String {
        var g = SystemRandomNumberGenerator()
        let s = String(g.next() as UInt64, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }

    /// The record's own members around the caller's.
    private struct Record {
        static let own: Set<String> = ["size", "gen", "chunks", "inline"]
        let members: [KvValue.Member]
        let size: Int
        let gen: String
        let chunks: Int
        let inline: [UInt8]?

        init(members: [KvValue.Member], size: Int, gen: String, chunks: Int, inline: [UInt8]?) {
            self.members = members.filter { !Self.own.contains($0.name) }
            self.size = size; self.gen = gen; self.chunks = chunks; self.inline = inline
        }

        init?(_ v: KvValue?) {
            guard let v, case .object(let all) = v, case .number(let s)? = v[member: "size"],
                  case .string(let g)? = v[member: "gen"], case .number(let c)? = v[member: "chunks"],
                  s >= 0, s <= 1e12, c >= 0, c <= 1e9 else { return nil }
            members = all.filter { !Self.own.contains($0.name) }
            size = Int(s); gen = g; chunks = Int(c)
            if case .bytes(let b)? = v[member: "inline"] { inline = b } else { inline = nil }
        }

        var value: KvValue {
            var all = members
            all += [.init("size", .number(Double(size))), .init("gen", .string(gen)), .init("chunks", .number(Double(chunks)))]
            if let inline { all.append(.init("inline", .bytes(inline))) }
            return .object(all)
        }
    }
}

extension KvError.Code {
    /// Concurrent writers kept a multi-commit operation from completing; retrying may succeed.
    public static let busy = KvError.Code(rawValue: "busy")
}

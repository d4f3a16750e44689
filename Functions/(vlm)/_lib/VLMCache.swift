import EdgeRuntime
import Synchronization

/// The seed's in-memory cache (§5.6): `prompt:<id>` 5 min, `list:<ns>:<lang|*>:<true|false|*>` 1 min,
/// expired entries swept at most every 60 s, `[CACHE] HIT/MISS` logs.
///
/// Cross-process invalidation: every prompt write sets `["prompts_meta","updated_at"]`, so its
/// versionstamp is a generation; a request that sees a new generation drops this process's entries.
/// Entries are kept per KV database (tests open many).
final class VLMCache: Sendable {
    static let shared = VLMCache()

    static let promptTTLms: Int64 = 5 * 60 * 1000
    static let listTTLms: Int64 = 60 * 1000
    static let regexTTLms: Int64 = 180 * 1000
    static let sweepEveryMs: Int64 = 60 * 1000

    private struct Entry { let value: any Sendable; let expires: Int64 }
    private struct Space {
        var entries: [String: Entry] = [:]
        var generation: Versionstamp?
        var lastSweep: Int64 = 0
    }

    private let spaces = Mutex<[ObjectIdentifier: Space]>([:])

    /// Adopts the generation observed in KV: a different one clears this database's entries.
    func observe(_ kv: Kv, generation: Versionstamp?) {
        let id = ObjectIdentifier(kv)
        spaces.withLock { s in
            var space = s[id] ?? Space()
            if space.generation != generation {
                space.entries.removeAll()
                space.generation = generation
            }
            s[id] = space
        }
    }

    func get<T: Sendable>(_ kv: Kv, _ key: String, as type: T.Type = T.self) -> T? {
        let now = VLMTime.nowMs()
        return spaces.withLock { s -> T? in
            let id = ObjectIdentifier(kv)
            guard var space = s[id] else { return nil }
            if now - space.lastSweep >= Self.sweepEveryMs {
                space.entries = space.entries.filter { $0.value.expires > now }
                space.lastSweep = now
                s[id] = space
            }
            guard let e = space.entries[key] else { return nil }
            if now > e.expires {
                space.entries[key] = nil
                s[id] = space
                return nil
            }
            return e.value as? T
        }
    }

    /// Stores a value loaded under `generation`; skipped when the generation moved meanwhile.
    func set(_ kv: Kv, _ key: String, _ value: some Sendable, ttlMs: Int64, generation: Versionstamp?) {
        let expires = VLMTime.nowMs() + ttlMs
        spaces.withLock { s in
            let id = ObjectIdentifier(kv)
            var space = s[id] ?? Space(generation: generation)
            guard space.generation == generation else { return }
            space.entries[key] = Entry(value: value, expires: expires)
            s[id] = space
        }
    }

    func delete(_ kv: Kv, _ key: String) {
        _ = spaces.withLock { s in s[ObjectIdentifier(kv)]?.entries.removeValue(forKey: key) }
    }

    /// Removes every key that starts with `prefix`.
    func deletePrefix(_ kv: Kv, _ prefix: String) {
        spaces.withLock { s in
            let id = ObjectIdentifier(kv)
            guard var space = s[id] else { return }
            space.entries = space.entries.filter { !$0.key.hasPrefix(prefix) }
            s[id] = space
        }
    }

    func clear(_ kv: Kv) {
        _ = spaces.withLock { s in s.removeValue(forKey: ObjectIdentifier(kv)) }
    }

    // MARK: the seed's keys and invalidation rules

    static func promptKey(_ id: Int) -> String { "prompt:\(id)" }
    static func listKey(_ ns: String, _ lang: String?, _ active: Bool?) -> String {
        "list:\(ns):\(lang ?? "*"):\(active.map { $0 ? "true" : "false" } ?? "*")"
    }
    static func listPrefix(_ ns: String) -> String { "list:\(ns):" }

    /// The cached value of `key`, else `load()`'s (cached unless nil) under the current KV generation.
    /// Logs `[CACHE] HIT/MISS: <key>` (the seed's lines) and reports it as `X-Cache` and the access log's
    /// `cache` field.
    func value<T: Sendable>(_ key: String, ttlMs: Int64, kv: Kv, generation: Versionstamp?, context: Context,
                            load: () async throws -> T?) async throws -> T? {
        observe(kv, generation: generation)
        let hit: T? = get(kv, key)
        let result: String = hit == nil ? "MISS" : "HIT"
        context.logger.info("[CACHE] \(result): \(key)")
        context.logField("cache", result)
        context.setResponseHeader(.cacheStatus, result)
        if let hit { return hit }
        let loaded = try await load()
        if let loaded { set(kv, key, loaded, ttlMs: ttlMs, generation: generation) }
        return loaded
    }

    /// Invalidates what a write touched: the prompts' entries and their namespaces' lists.
    func invalidate(_ kv: Kv, prompts ids: [Int], namespaces: [String]) {
        for id in ids { delete(kv, Self.promptKey(id)) }
        for ns in Set(namespaces) { deletePrefix(kv, Self.listPrefix(ns)) }
    }
}

import EdgeRuntime
import Synchronization

/// Converts the seed's array-valued indexes (`["prompts_index",…]` → `[id, …]`) into per-key entries
/// (``VLMKeys``), in place, on first use after an upgrade (Decision 0012).
///
/// Every store operation that reads or writes an index calls ``ensure(_:logger:)`` first. It costs one
/// `get` of `["prompts_meta","index_layout"]` per process and database, then nothing. While that marker
/// is missing, the caller converts every array it finds before going on, so no process ever reads a
/// half-converted index:
/// 1. the array's entries are written in batches of ``VLMLimits/migrationBatch`` (plain sets of `true`:
///    idempotent, so two processes converting at once write the same keys);
/// 2. one commit checks the array at the versionstamp that was read and deletes it. A process that
///    loses this race re-reads: gone means another process finished it; changed means it is converted
///    again. An array is deleted only after all of its entries were written.
/// 3. When no array is left, the marker is set (idempotent too).
///
/// Ids that are not integers in ``VLMLimits/promptIds`` are dropped (logged). An entry whose prompt
/// is gone or moved is harmless: `list` loads each prompt and filters on its own fields, as it did
/// with the arrays.
enum VLMIndexMigration {
    private final class WeakKv: @unchecked Sendable {
        weak var kv: Kv?
        init(_ kv: Kv) { self.kv = kv }
    }

    /// Databases known to be converted. Weak, so a new database at a freed address is checked anew.
    private static let converted = Mutex<[ObjectIdentifier: WeakKv]>([:])

    static func ensure(_ kv: Kv, logger: Logger?) async throws {
        let id = ObjectIdentifier(kv)
        if converted.withLock({ $0[id]?.kv === kv }) { return }
        if try await kv.get(VLMKeys.indexLayout).value != VLMKeys.indexLayoutVersion {
            let arrays = try await run(kv, logger: logger)
            _ = try await kv.set(VLMKeys.indexLayout, VLMKeys.indexLayoutVersion)
            if arrays > 0 { logger?.info("[PROMPTS] Index converted to per-key entries", metadata: ["arrays": .stringConvertible(arrays)]) }
        }
        converted.withLock { memo in
            memo = memo.filter { $0.value.kv != nil }
            memo[id] = WeakKv(kv)
        }
    }

    /// Converts every array-valued index; returns how many this call converted.
    static func run(_ kv: Kv, logger: Logger?) async throws -> Int {
        var count = 0
        while let e = try await kv.list(.prefix(VLMKeys.legacyIndexRoot), options: KvListOptions(limit: 1)).collect().entries.first {
            try await convert(e, kv: kv, logger: logger)
            count += 1
        }
        return count
    }

    /// The per-key entries an array-valued index key stands for (nil: a key of no known shape).
    static func entries(for key: KvKey, id: Int) -> KvKey? {
        switch key.count {
        case 2 where key[1] == "active": return VLMKeys.activeEntry(id)
        case 2: if case .string(let ns) = key[1] { return VLMKeys.namespaceEntry(ns, id) }
        case 3: if case .string(let ns) = key[1], case .string(let lang) = key[2] { return VLMKeys.langEntry(ns, lang, id) }
        default: break
        }
        return nil
    }

    private static func convert(_ first: KvEntry, kv: Kv, logger: Logger?) async throws {
        var entry = first
        while let stamp = entry.versionstamp {
            var targets: [KvKey] = []
            var dropped = 0
            if case .array(let ids)? = entry.value {
                for raw in ids {
                    guard case .number(let n) = raw, let id = VLMLimits.int(n, in: VLMLimits.promptIds),
                          let target = entries(for: entry.key, id: id) else { dropped += 1; continue }
                    targets.append(target)
                }
            } else {
                dropped = 1
            }
            if dropped > 0 {
                logger?.warning("[PROMPTS] Dropped unreadable ids from an old index", metadata: [
                    "key": .string("\(entry.key)"), "dropped": .stringConvertible(dropped)])
            }
            var i = 0
            while i < targets.count {
                let op = kv.atomic()
                for t in targets[i..<min(targets.count, i + VLMLimits.migrationBatch)] { op.set(t, .bool(true)) }
                _ = try await op.commit()
                i += VLMLimits.migrationBatch
            }
            if try await kv.atomic().check(entry.key, versionstamp: stamp).delete(entry.key).commit().ok { return }
            entry = try await kv.get(entry.key)
        }
    }
}

import EdgeRuntime

/// The prompt library's KV keys (§5.4, with the index layout of Decision 0012).
///
/// Records: `["prompts","by_id",id]` and `["prompts",namespace,name,version]` hold the Prompt;
/// `["prompts_default",namespace,lang]` the default's id; `["prompts_meta","counter"]` the last id.
///
/// Indexes: one key per (index, prompt), value `true`, listed by prefix with cursors, so no index is
/// ever one value that grows with the library (the seed's arrays stopped at ~7,281 ids, the 64 KiB
/// value limit):
/// - `["prompts_idx","ns",namespace,id]`: the prompts of a namespace (what `list` reads);
/// - `["prompts_idx","lang",namespace,lang,id]`: of a (namespace, lang);
/// - `["prompts_idx","active",id]`: the active prompts.
///
/// Ids in keys are KV numbers; ``VLMLimits/promptIds`` keeps them exact, so they sort numerically.
enum VLMKeys {
    static func byId(_ id: Int) -> KvKey { ["prompts", "by_id", .number(Double(id))] }
    static func secondary(_ ns: String, _ name: String, _ version: Int) -> KvKey {
        ["prompts", .string(ns), .string(name), .number(Double(version))]
    }
    static func secondary(_ p: VLMPrompt) -> KvKey { secondary(p.namespace, p.name, p.version) }
    static func defaultPointer(_ ns: String, _ lang: String) -> KvKey { ["prompts_default", .string(ns), .string(lang)] }
    static let counter: KvKey = ["prompts_meta", "counter"]
    /// Bumped by every prompt write; its versionstamp is the cache generation (§5.6, several processes).
    static let updatedAt: KvKey = ["prompts_meta", "updated_at"]
    static let byIdPrefix: KvKey = ["prompts", "by_id"]

    // MARK: per-key indexes

    static func namespaceIndex(_ ns: String) -> KvKey { ["prompts_idx", "ns", .string(ns)] }
    static func namespaceEntry(_ ns: String, _ id: Int) -> KvKey { namespaceIndex(ns) + [.number(Double(id))] }
    static func langIndex(_ ns: String, _ lang: String) -> KvKey { ["prompts_idx", "lang", .string(ns), .string(lang)] }
    static func langEntry(_ ns: String, _ lang: String, _ id: Int) -> KvKey { langIndex(ns, lang) + [.number(Double(id))] }
    static let activeIndex: KvKey = ["prompts_idx", "active"]
    static func activeEntry(_ id: Int) -> KvKey { activeIndex + [.number(Double(id))] }

    /// `2` once the array-valued indexes below were converted (``VLMIndexMigration``).
    static let indexLayout: KvKey = ["prompts_meta", "index_layout"]
    static let indexLayoutVersion: KvValue = .number(2)

    // MARK: the seed's array-valued indexes (read only by the migration)

    /// `["prompts_index",namespace]`, `["prompts_index",namespace,lang]` and `["prompts_index","active"]`,
    /// each an array of ids.
    static let legacyIndexRoot: KvKey = ["prompts_index"]
    static func legacyNamespaceIndex(_ ns: String) -> KvKey { ["prompts_index", .string(ns)] }
    static func legacyLangIndex(_ ns: String, _ lang: String) -> KvKey { ["prompts_index", .string(ns), .string(lang)] }
    static let legacyActiveIndex: KvKey = ["prompts_index", "active"]
}

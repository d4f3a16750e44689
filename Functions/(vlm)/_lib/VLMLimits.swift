import EdgeRuntime

/// Every numeric bound of the VLM app, in one place, and the one guarded conversion from a stored or
/// received number to `Int`.
///
/// Why these bounds: every number the app stores is a KV `number` (a Double, as in Deno KV and the
/// seed), and ids are also key parts (`["prompts","by_id",id]`, index entries). A value outside the
/// bounds would not survive the trip `Int -> Double -> Int` (past 2^53 neighbours collapse onto one
/// Double; at 2^63 the conversion back traps), so bounds are checked where values enter (create, update,
/// restore: 400 `Invalid field: <name>`) and again where they are read back (a stored value outside
/// them is a corrupt record: skipped with a log line, or a 500 that names the key; never a trap).
enum VLMLimits {
    /// Prompt ids: 1 ... 2^53 - 1, the integers a Double (JavaScript's `Number.MAX_SAFE_INTEGER`) and a
    /// KV number key part hold exactly. The counter stops there: a create after it answers 507.
    static let promptIds: ClosedRange<Int> = 1...9_007_199_254_740_991

    /// Prompt versions: 1 ... 2^31 - 1. Versions count edits of one name; the 32-bit bound keeps them
    /// exact in every client (JavaScript bit operations, Int32 columns) and far from the Double limit.
    static let versions: ClosedRange<Int> = 1...2_147_483_647

    /// Priorities: the 32-bit signed range (list order is priority ascending, so negatives sort first).
    /// Exact as a Double and as a key part, and the difference of two priorities cannot overflow.
    static let priorities: ClosedRange<Int> = -2_147_483_648...2_147_483_647

    /// Index entries written per atomic commit while an old array-valued index is converted (Decision
    /// 0012). An entry key is at most about 800 bytes (two 128-character UTF-16 strings as UTF-8 plus
    /// framing), so 64 of them stay under KV's 80 KiB of key bytes and 1,000 mutations per commit.
    static let migrationBatch = 64

    /// Parts of a chunked backup (`VLMBackup.store`): 100,000 parts of 60 kB is 6 GB of JSON, far more
    /// than 100k prompts of 20,000 characters. A stored manifest naming more is corrupt.
    static let maxBackupParts = 100_000

    /// Upper bound of `WRITE_RL_WINDOW_SEC`, `VISION_RL_WINDOW_SEC` and `NONCE_TTL_SEC` (30 days, KV's
    /// longest sensible expireIn); larger settings are clamped, so `seconds * 1000` cannot overflow.
    static let maxWindowSeconds = 30 * 24 * 60 * 60

    /// `n` as an `Int` when it is an integer inside `range`; nil for fractions, NaN, infinities and
    /// anything outside (never a trap, whatever is stored).
    static func int(_ n: Double, in range: ClosedRange<Int> = -9_007_199_254_740_991...9_007_199_254_740_991) -> Int? {
        guard n.isFinite, n.rounded() == n, n >= -9_007_199_254_740_991, n <= 9_007_199_254_740_991 else { return nil }
        let i = Int(n)
        return range.contains(i) ? i : nil
    }

    /// A stored KV number (or u64) as an `Int` inside `range`; nil for anything else.
    static func int(_ value: KvValue?, in range: ClosedRange<Int> = -9_007_199_254_740_991...9_007_199_254_740_991) -> Int? {
        switch value {
        case .number(let n)?: return int(n, in: range)
        case .u64(let u)?: return Int(exactly: u.value).flatMap { range.contains($0) ? $0 : nil }
        default: return nil
        }
    }
}

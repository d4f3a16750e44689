import EdgeRuntime
import Synchronization

/// The frontend's cleanup regex (§5.2): KV `["config","regex_pattern"]` (+ `["config","regex_flags"]`),
/// else `REGEX_CLEANUP_PATTERN`/`REGEX_CLEANUP_FLAGS` (`source: "secret"`), else the default.
/// Cached 180 s per process, dropped on PUT/DELETE.
enum VLMRegexConfig {
    static let defaultPattern = "^(?:System|Meta|Debug).*$"
    static let defaultFlags = "gmi"
    static let patternKey: KvKey = ["config", "regex_pattern"]
    static let flagsKey: KvKey = ["config", "regex_flags"]
    static let maxPatternLength = 2000

    struct Value: Sendable, Equatable {
        var pattern: String
        var flags: String
        var source: String
        var json: JSONValue { .object(["pattern": .string(pattern), "flags": .string(flags), "source": .string(source)]) }
    }

    private static let cache = Mutex<[ObjectIdentifier: (value: Value, expires: Int64)]>([:])

    static func invalidate(_ kv: Kv) { _ = cache.withLock { $0.removeValue(forKey: ObjectIdentifier(kv)) } }

    /// Never throws for a bad stored value: it falls back to the default.
    static func current(_ kv: Kv, env: Environment) async -> Value {
        let now = VLMTime.nowMs()
        if let hit = cache.withLock({ $0[ObjectIdentifier(kv)] }), hit.expires > now { return hit.value }
        var value = Value(pattern: defaultPattern, flags: defaultFlags, source: "default")
        if let p = env["REGEX_CLEANUP_PATTERN"], !p.isEmpty, validate(pattern: p, flags: env.get("REGEX_CLEANUP_FLAGS", default: defaultFlags)) == nil {
            value = Value(pattern: p, flags: env.get("REGEX_CLEANUP_FLAGS", default: defaultFlags), source: "secret")
        }
        if let entries = try? await kv.getMany([patternKey, flagsKey]),
           case .string(let p)? = entries[0].value, !p.isEmpty {
            var flags = defaultFlags
            if case .string(let f)? = entries[1].value, validFlags(f) { flags = f }
            value = Value(pattern: p, flags: flags, source: "kv")
        }
        cache.withLock { $0[ObjectIdentifier(kv)] = (value, now + VLMCache.regexTTLms) }
        return value
    }

    static func validFlags(_ flags: String) -> Bool {
        let allowed: Set<Character> = ["d", "g", "i", "m", "s", "u", "v", "y"]
        return flags.allSatisfy(allowed.contains) && Set(flags).count == flags.count && !(flags.contains("u") && flags.contains("v"))
    }

    /// nil when valid, else the reason. The pattern is an ECMAScript regex applied by the frontend;
    /// it is checked with Swift's regex parser (close to ECMAScript for the common syntax).
    static func validate(pattern: String, flags: String) -> String? {
        if pattern.isEmpty { return "pattern must be a non-empty string" }
        if pattern.utf16.count > maxPatternLength { return "pattern is longer than \(maxPatternLength) characters" }
        if !validFlags(flags) { return "flags must be distinct ECMAScript flags (dgimsuvy)" }
        do { _ = try Regex(pattern) } catch { return "invalid regular expression: \(error)" }
        return nil
    }
}

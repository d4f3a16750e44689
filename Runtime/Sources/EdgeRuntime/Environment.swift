import Synchronization

/// Environment variables as a function sees them.
///
/// Layering (later wins): the `.env*` files `edge dev` loads, the process environment, then the app's
/// scoped variables: `APP__NAME` (e.g. `VLM__DEFAULT_MODEL`) is seen as `NAME` by functions of the
/// `(vlm)` route group only. This keeps the five systems' colliding names (`DEFAULT_MODEL`,
/// `CORS_ORIGINS`) apart in one deployment.
public struct Environment: Sendable {
    public let values: [String: String]
    /// Values derived from `values` (``derived(_:)``), shared by every copy of this environment.
    private let derivations = Derivations()

    public init(_ values: [String: String]) { self.values = values }

    /// The value `build` derives from this environment, built on first use and kept for the environment's
    /// life: settings a handler reads on every request are parsed once (the environment never changes).
    /// One value per type: `env.derived(ChatConfig.init)`.
    public func derived<T: Sendable>(_ build: (Environment) -> T) -> T {
        let key = ObjectIdentifier(T.self)
        if let kept = derivations.values.withLock({ $0[key] }) as? T { return kept }
        let value = build(self)  // outside the lock: a builder may derive another value
        return derivations.values.withLock { values in
            if let kept = values[key] as? T { return kept }  // another request built it first
            values[key] = value
            return value
        }
    }

    private final class Derivations: Sendable {
        let values = Mutex<[ObjectIdentifier: any Sendable]>([:])
    }

    public subscript(name: String) -> String? { values[name] }

    /// The value, or `defaultValue` when unset or empty.
    public func get(_ name: String, default defaultValue: String) -> String {
        guard let v = values[name], !v.isEmpty else { return defaultValue }
        return v
    }

    /// An integer setting, or `defaultValue` when unset or not a number.
    public func int(_ name: String, default defaultValue: Int) -> Int {
        values[name].flatMap { Int($0.trimmingSpaces) } ?? defaultValue
    }

    /// A boolean setting (`1`, `true`, `yes`, `on`).
    public func bool(_ name: String, default defaultValue: Bool = false) -> Bool {
        guard let v = values[name]?.trimmingSpaces.lowercased(), !v.isEmpty else { return defaultValue }
        return ["1", "true", "yes", "on"].contains(v)
    }

    /// The environment scoped to `app`: `APP__NAME` variables override `NAME`.
    public func scoped(to app: String?) -> Environment {
        guard let app, !app.isEmpty else { return self }
        let prefix = app.uppercased().map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined() + "__"
        var out = values
        for (k, v) in values where k.hasPrefix(prefix) {
            out[String(k.dropFirst(prefix.count))] = v
        }
        return Environment(out)
    }
}

extension String {
    /// Whitespace trimmed at both ends (no Foundation). Also used by the seed handlers.
    package var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}

import EdgeRuntime

/// `vercel-like.json`: vercel.json's routing keys with Vercel's semantics, plus our extensions.
///
/// Keys: `$schema`, `cleanUrls`, `trailingSlash`, `redirects`, `rewrites`, `headers`, `crons`, `functions`
/// (`maxDuration`, and our `maxRequestBodySize`), `kv` (`{ "path" }`, ours). Unknown keys and bad values
/// fail start-up with the JSON path of the problem (`ConfigError`).
public struct EdgeConfig: Sendable {
    public var cleanUrls = false
    /// nil: both forms served; false: `/x/` -> 308 `/x`; true: `/x` -> 308 `/x/`.
    public var trailingSlash: Bool?
    public var redirects: [Redirect] = []
    public var rewrites: [Rewrite] = []
    public var headers: [HeaderRule] = []
    public var crons: [CronEntry] = []
    public var functions: [FunctionLimits] = []
    public var kvPath: String?

    public init() {}

    public struct Condition: @unchecked Sendable {
        public enum Kind: String, Sendable { case header, cookie, query, host }
        public var kind: Kind
        public var key: String?
        /// Anchored regex the value must match; nil: presence is enough.
        var value: Regex<AnyRegexOutput>?
    }

    public struct Redirect: Sendable {
        var source: PathPattern
        public var destination: String
        public var status: Int
        public var has: [Condition]
        public var missing: [Condition]
    }

    public struct Rewrite: Sendable {
        var source: PathPattern
        /// A path on this deployment (`/...`), or another origin's URL (`https://...`, `http://...`): an
        /// external rewrite, which proxies the request there (``ExternalRewrite``).
        public var destination: String
        /// The destination is another origin's URL.
        public var isExternal: Bool { ExternalRewrite.isExternal(destination) }
        public var has: [Condition]
        public var missing: [Condition]
    }

    public struct HeaderRule: Sendable {
        var source: PathPattern
        public var headers: [(key: String, value: String)]
        public var has: [Condition]
        public var missing: [Condition]
    }

    public struct CronEntry: Sendable, Equatable {
        public var path: String
        public var schedule: String
        /// Retry delays in milliseconds after a failed run (Deno's shape, at most 5); ours, optional.
        public var backoffSchedule: [Int]?
    }

    public struct FunctionLimits: Sendable {
        /// The glob as written (relative to the project root, e.g. `Functions/(vlm)/v1/vision/**`).
        public var glob: String
        public var maxDuration: Int?
        public var maxRequestBodySize: Int?
    }
}

/// A configuration problem, with the JSON path where it sits.
public struct ConfigError: Error, CustomStringConvertible {
    public let path: String
    public let message: String
    public var description: String { "vercel-like.json: \(path): \(message)" }
}

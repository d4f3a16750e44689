import EdgeMetrics
import EdgeRuntime
import RouteGenCore

/// The mounted functions, compiled for matching: static paths by dictionary, dynamic ones in
/// precedence order (static > dynamic > catch-all, deeper first).
struct RouteTable: Sendable {
    /// One mounted function. A class: a match hands it on by reference, not field by field.
    final class Entry: Sendable {
        let descriptor: RouteDescriptor
        let pattern: RoutePattern
        let handler: any EdgeFunction
        let allow: String
        let maxDuration: Duration?
        let maxRequestBodySize: Int
        let app: String?
        /// The server's logger, carrying `app` for a function in an app (set once, not per request).
        let logger: Logger
        let env: Environment
        /// The app's policy (``AppPolicy/default`` when the group declares none).
        let policy: AppPolicy
        /// The credential checked before the handler runs, if any.
        let credential: Credential?
        /// Its block in the metrics table (``MetricsLayout``): its place in precedence order, after the
        /// runtime's two blocks.
        let metricsBlock: Int

        init(descriptor: RouteDescriptor, pattern: RoutePattern, handler: any EdgeFunction, allow: String, maxDuration: Duration?, maxRequestBodySize: Int, app: String?, logger: Logger, env: Environment, policy: AppPolicy, metricsBlock: Int) {
            self.metricsBlock = metricsBlock
            self.descriptor = descriptor
            self.pattern = pattern
            self.handler = handler
            self.allow = allow
            self.maxDuration = maxDuration
            self.maxRequestBodySize = maxRequestBodySize
            self.app = app
            var logger = logger
            if let app { logger[metadataKey: "app"] = .string(app) }
            self.logger = logger
            self.env = env
            self.policy = policy
            self.credential = policy.credential(for: descriptor.auth)
        }
    }

    struct Match {
        let entry: Entry
        let parameters: Parameters
    }

    private(set) var entries: [Entry] = []
    private var staticPaths: [String: Int] = [:]
    /// Dynamic routes whose first segment is a literal, by that literal, in precedence order.
    private var dynamicByFirstLiteral: [String: [Int]] = [:]
    /// Dynamic routes whose first segment is a parameter or catch-all, in precedence order. They all come
    /// after every route of the path's literal bucket (a literal outranks anything else at the first
    /// position where two patterns differ).
    private var dynamicOpenFirst: [Int] = []

    init(_ routes: [RouteDescriptor], apps: [AppDescriptor] = [], config: EdgeConfig, env: Environment, logger: Logger) throws(ConfigError) {
        // Each app's policy is built once, from its own scoped environment.
        var policies: [String: AppPolicy] = [:]
        for a in apps { policies[a.name] = a.makeApp().policy(env.scoped(to: a.name)) }
        var globs: [(EdgeConfig.FunctionLimits, Glob, used: Bool)] = []
        for f in config.functions {
            guard let g = Glob(f.glob) else { throw ConfigError(path: "$.functions[\"\(f.glob)\"]", message: "not a valid glob") }
            globs.append((f, g, false))
        }
        let sorted = routes.map { ($0, RoutePattern(parsing: $0.pattern)) }.sorted { $0.1.precedes($1.1) }
        for (d, p) in sorted {
            var maxDuration = EdgeLimits.defaultMaxDuration
            var maxBody = EdgeLimits.defaultMaxRequestBodySize
            for i in globs.indices where globs[i].1.matches(d.file) {
                globs[i].used = true
                if let m = globs[i].0.maxDuration { maxDuration = m }
                if let b = globs[i].0.maxRequestBodySize { maxBody = b }
            }
            var allowSet = d.methods
            if allowSet.contains(.get) { allowSet.insert(.head) }
            allowSet.insert(.options)
            let entry = Entry(
                descriptor: d, pattern: p, handler: d.makeHandler(), allow: allowSet.names.joined(separator: ", "),
                maxDuration: .seconds(maxDuration), maxRequestBodySize: maxBody, app: d.app, logger: logger, env: env.scoped(to: d.app),
                policy: d.app.flatMap { policies[$0] } ?? .default,
                metricsBlock: MetricsLayout.firstRouteBlock + entries.count
            )
            entries.append(entry)
            if p.isStatic {
                staticPaths[p.description] = entries.count - 1
            } else if case .literal(let first)? = p.segments.first {
                dynamicByFirstLiteral[first, default: []].append(entries.count - 1)
            } else {
                dynamicOpenFirst.append(entries.count - 1)
            }
        }
        // Vercel's `unused_function`: a glob that matches no function is a mistake.
        for g in globs where !g.used {
            throw ConfigError(path: "$.functions[\"\(g.0.glob)\"]", message: "matches no function file under Functions/")
        }
    }

    /// Matches a request path (percent-encoded as received).
    func match(path: String) -> Match? {
        // A canonical path (no `%`, no empty segment, no trailing `/`) is its own key: look static
        // routes up without splitting (the common case, and this runs per request).
        let canonical = Self.isCanonical(path)
        if canonical, let i = staticPaths[path] {
            return Match(entry: entries[i], parameters: Parameters())
        }
        let decoded: [Substring]
        if canonical {  // its own key, already looked up; ASCII without `%`: split by byte, nothing to decode
            decoded = Self.segments(ofCanonical: path)
        } else {
            let raw = path.split(separator: "/", omittingEmptySubsequences: true)
            decoded = raw.map { $0.utf8.contains(UInt8(ascii: "%")) ? Substring(PercentDecoding.decode($0)) : $0 }
            let key = decoded.isEmpty ? "/" : "/" + decoded.joined(separator: "/")
            if let i = staticPaths[key] { return Match(entry: entries[i], parameters: Parameters()) }
        }
        func firstMatch(in candidates: [Int]) -> Match? {
            for i in candidates {
                if let params = entries[i].pattern.captures(decoded) { return Match(entry: entries[i], parameters: Parameters(pairs: params)) }
            }
            return nil
        }
        if let first = decoded.first, let bucket = dynamicByFirstLiteral[String(first)], let match = firstMatch(in: bucket) {
            return match
        }
        return firstMatch(in: dynamicOpenFirst)
    }

    /// The segments of a canonical path (``isCanonical(_:)``), as `split(separator: "/")` gives them: the
    /// path is ASCII, so its bytes are its characters, and no segment is empty.
    static func segments(ofCanonical path: String) -> [Substring] {
        let bytes = path.utf8
        // Scanned in the string's contiguous UTF-8; offsets into ASCII are character boundaries.
        let segments: [Substring]? = bytes.withContiguousStorageIfAvailable { b in
            func piece(_ lo: Int, _ hi: Int) -> Substring {
                path[bytes.index(bytes.startIndex, offsetBy: lo)..<bytes.index(bytes.startIndex, offsetBy: hi)]
            }
            var segments: [Substring] = []
            segments.reserveCapacity(b.count { $0 == UInt8(ascii: "/") })  // one allocation
            var start = 0
            for i in 0..<b.count where b[i] == UInt8(ascii: "/") {
                if i != start { segments.append(piece(start, i)) }
                start = i + 1
            }
            if start != b.count { segments.append(piece(start, b.count)) }
            return segments
        }
        return segments ?? path.split(separator: "/")
    }

    /// `/` or `/a/b`: ASCII, starts with `/`, no `//`, no `%`, no trailing `/`.
    static func isCanonical(_ path: String) -> Bool {
        var previous: UInt8 = 0
        var count = 0
        for b in path.utf8 {
            // `%` needs decoding; non-ASCII goes the slow way (it splits by Character).
            if b == UInt8(ascii: "%") || b >= 0x80 || (b == UInt8(ascii: "/") && previous == UInt8(ascii: "/")) { return false }
            if count == 0 && b != UInt8(ascii: "/") { return false }
            previous = b
            count += 1
        }
        return count == 1 || (count > 1 && previous != UInt8(ascii: "/"))
    }
}

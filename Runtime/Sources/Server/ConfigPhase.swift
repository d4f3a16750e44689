import EdgeRuntime

/// The routing phases of `vercel-like.json` in Vercel's order (`getTransformedRoutes`):
/// cleanUrls redirects -> trailingSlash redirects -> `redirects` -> `headers` (all matching rules stack)
/// -> functions with static paths -> `rewrites` (first match) -> dynamic functions -> 404.
struct ConfigPhase: Sendable {
    let config: EdgeConfig

    enum Outcome {
        /// Answer with a redirect now.
        case redirect(status: Int, location: String)
        /// Route this (possibly rewritten) path; `headers` are added to whatever the answer is.
        case route(path: String, query: String?, headers: [(String, String)])
    }

    /// Facts a `has`/`missing` condition reads.
    struct RequestFacts {
        let headers: HTTPFields
        let query: String?
        let host: String?
    }

    func redirectsAndHeaders(path: String, query: String?, facts: RequestFacts) -> (redirect: (Int, String)?, headers: [(String, String)]) {
        let q = query.map { "?\($0)" } ?? ""
        // cleanUrls: `/x.html` and `/x/index` -> 308 `/x` (or `/x/` with trailingSlash: true).
        if config.cleanUrls {
            var stripped: String? = nil
            if path.hasSuffix(".html") { stripped = String(path.dropLast(5)) }
            else if path.hasSuffix("/index") { stripped = String(path.dropLast(6)) }
            if var s = stripped {
                if s.isEmpty { s = "/" }
                if config.trailingSlash == true, !s.hasSuffix("/") { s += "/" }
                return ((308, s + q), [])
            }
        }
        // trailingSlash
        if let ts = config.trailingSlash, path != "/", !path.hasPrefix("/.well-known/") {
            let last = path.split(separator: "/").last ?? ""
            if ts == false, path.hasSuffix("/") {
                var s = path
                while s.count > 1 && s.hasSuffix("/") { s.removeLast() }
                return ((308, s + q), [])
            }
            if ts == true {
                if !path.hasSuffix("/") && !last.contains(".") { return ((308, path + "/" + q), []) }
                if path.hasSuffix("/") && last.contains(".") { return ((308, String(path.dropLast()) + q), []) }
            }
        }
        for r in config.redirects {
            guard var params = r.source.match(path), conditionsHold(r.has, r.missing, facts, &params) else { continue }
            var dest = PathPattern.interpolate(r.destination, params)
            if let query, !dest.contains("?") { dest += "?" + query }
            return ((r.status, dest), [])
        }
        var headers: [(String, String)] = []
        for rule in config.headers {
            guard var params = rule.source.match(path), conditionsHold(rule.has, rule.missing, facts, &params) else { continue }
            for h in rule.headers {
                headers.append((PathPattern.interpolate(h.key, params), PathPattern.interpolate(h.value, params)))
            }
        }
        return (nil, headers)
    }

    /// Where the first matching rewrite sends a request.
    enum RewriteTarget: Equatable {
        /// A path (and query) on this deployment, routed again.
        case path(String, query: String?)
        /// Another origin's URL (query included): the request is proxied there.
        case external(url: String)
    }

    /// The first matching rewrite's destination, if any. Its query is the destination's, then the
    /// request's, then (Vercel's rule) the source's parameters that the destination does not mention.
    func rewrite(path: String, query: String?, facts: RequestFacts) -> RewriteTarget? {
        for r in config.rewrites {
            guard var params = r.source.match(path), conditionsHold(r.has, r.missing, facts, &params) else { continue }
            let dest = PathPattern.interpolate(r.destination, params)
            var destPath = dest
            var destQuery: String? = nil
            if let qi = dest.firstIndex(of: "?") {
                destPath = String(dest[..<qi])
                destQuery = String(dest[dest.index(after: qi)...])
            }
            // Vercel: when no source parameter appears in the destination, they are appended to the query.
            var extra: [String] = []
            if !params.isEmpty && !params.keys.contains(where: { PathPattern.mentions(r.destination, $0) }) {
                for k in params.keys.sorted() where Int(k) == nil { extra.append("\(k)=\(params[k]!)") }
            }
            let merged = ([destQuery, query].compactMap { $0 } + extra).filter { !$0.isEmpty }.joined(separator: "&")
            if r.isExternal { return .external(url: merged.isEmpty ? destPath : destPath + "?" + merged) }
            return .path(destPath, query: merged.isEmpty ? nil : merged)
        }
        return nil
    }

    private func conditionsHold(_ has: [EdgeConfig.Condition], _ missing: [EdgeConfig.Condition], _ facts: RequestFacts, _ params: inout [String: String]) -> Bool {
        for c in has where !holds(c, facts) { return false }
        for c in missing where holds(c, facts) { return false }
        return true
    }

    private func holds(_ c: EdgeConfig.Condition, _ facts: RequestFacts) -> Bool {
        let value: String?
        switch c.kind {
        case .header:
            value = c.key.flatMap { HTTPField.Name($0) }.flatMap { facts.headers[$0] }
        case .cookie:
            value = c.key.flatMap { Cookies(header: facts.headers[values: .cookie].joined(separator: "; "))[$0] }
        case .query:
            value = c.key.flatMap { QueryParameters(facts.query ?? "")[$0] }
        case .host:
            value = facts.host.map { h in h.split(separator: ":").first.map(String.init) ?? h }
        }
        guard let value else { return false }
        guard let re = c.value else { return true }
        return (try? re.wholeMatch(in: value)) != nil
    }
}

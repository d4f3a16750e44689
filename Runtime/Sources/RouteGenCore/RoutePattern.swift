/// A route path made of segments, with Next.js / Vercel precedence and matching.
public struct RoutePattern: Hashable, Sendable, CustomStringConvertible {
    public let segments: [RouteSegment]
    /// The fewest and most path segments a match can have (`Int.max` past a catch-all): a path of another
    /// length is refused by comparing two integers, before any segment.
    public let segmentCounts: ClosedRange<Int>

    public init(segments: [RouteSegment]) {
        self.segments = segments
        var fewest = 0
        var open = false
        for segment in segments {
            switch segment {
            case .literal, .parameter: fewest += 1
            case .catchAll: fewest += 1; open = true
            case .optionalCatchAll: open = true
            }
        }
        segmentCounts = fewest...(open ? Int.max : fewest)
    }

    /// Parses the `:param` form (`/api/sessions/:sessionId`, `/docs/:rest+`, `/shop/:slug*`).
    public init(parsing text: String) {
        self.init(segments: text.split(separator: "/", omittingEmptySubsequences: true).map(RouteSegment.parse(pattern:)))
    }

    public var description: String { "/" + segments.map(\.patternText).joined(separator: "/") }

    /// Equal shapes collide whatever the parameter names.
    public var shape: String { segments.map(\.shape).joined(separator: "/") }

    public var isStatic: Bool { segments.allSatisfy { if case .literal = $0 { return true }; return false } }

    /// Precedence: at the first differing position static < dynamic < catch-all; when one pattern is a
    /// prefix of the other the deeper one first. Returns true when `self` must be tried before `other`.
    public func precedes(_ other: RoutePattern) -> Bool {
        for (a, b) in zip(segments, other.segments) where a != b {
            if a.rank != b.rank { return a.rank < b.rank }
            if case .literal(let x) = a, case .literal(let y) = b { return x < y }
        }
        if segments.count != other.segments.count { return segments.count > other.segments.count }
        return description < other.description
    }

    /// Matches decoded path segments; returns captured parameters (catch-alls joined with `/`).
    public func match(_ path: [Substring]) -> [String: String]? {
        guard let captures = captures(path) else { return nil }
        var params: [String: String] = [:]
        for (name, value) in captures { params[name] = value }
        return params
    }

    /// ``match(_:)``'s parameters as name-value pairs in pattern order (no dictionary to build: this
    /// runs per request on every dynamic route).
    public func captures(_ path: [Substring]) -> [(name: String, value: String)]? {
        guard segmentCounts.contains(path.count) else { return nil }
        var params: [(name: String, value: String)] = []
        var i = 0
        for seg in segments {
            switch seg {
            case .literal(let s):
                guard i < path.count, path[i] == s else { return nil }
                i += 1
            case .parameter(let n):
                guard i < path.count, !path[i].isEmpty else { return nil }
                params.append((n, String(path[i])))
                i += 1
            case .catchAll(let n):
                guard i < path.count else { return nil }
                params.append((n, path[i...].joined(separator: "/")))
                i = path.count
            case .optionalCatchAll(let n):
                params.append((n, path[i...].joined(separator: "/")))
                i = path.count
            }
        }
        return i == path.count ? params : nil
    }
}

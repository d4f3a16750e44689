/// One segment of a route, from a folder name under `Functions/` (Next.js / Vercel conventions).
///
/// | folder          | segment               | matches                          |
/// |-----------------|-----------------------|----------------------------------|
/// | `users`         | `.literal("users")`   | exactly `users`                  |
/// | `[id]`          | `.parameter("id")`    | one non-empty segment            |
/// | `[...rest]`     | `.catchAll("rest")`   | one or more segments (last only) |
/// | `[[...rest]]`   | `.optionalCatchAll`   | zero or more segments (last only)|
public enum RouteSegment: Hashable, Sendable {
    case literal(String)
    case parameter(String)
    case catchAll(String)
    case optionalCatchAll(String)

    /// Match rank at one position: static beats dynamic beats catch-all.
    var rank: Int {
        switch self {
        case .literal: return 0
        case .parameter: return 1
        case .catchAll: return 2
        case .optionalCatchAll: return 3
        }
    }

    public var parameterName: String? {
        switch self {
        case .literal: return nil
        case .parameter(let n), .catchAll(let n), .optionalCatchAll(let n): return n
        }
    }

    var isCatchAll: Bool {
        switch self {
        case .catchAll, .optionalCatchAll: return true
        default: return false
        }
    }

    /// The `:param` form used in patterns: `users`, `:id`, `:rest+`, `:rest*`.
    public var patternText: String {
        switch self {
        case .literal(let s): return s
        case .parameter(let n): return ":\(n)"
        case .catchAll(let n): return ":\(n)+"
        case .optionalCatchAll(let n): return ":\(n)*"
        }
    }

    /// The same segment with parameter names erased: two routes with equal shapes collide.
    var shape: String {
        switch self {
        case .literal(let s): return "=" + s
        case .parameter: return ":"
        case .catchAll: return "+"
        case .optionalCatchAll: return "*"
        }
    }

    /// Parses one folder name. Returns nil for route groups `(name)`; throws on malformed brackets.
    static func parse(folder name: String) throws(RouteGenError.Reason) -> RouteSegment? {
        if name.hasPrefix("(") && name.hasSuffix(")") { return nil }
        if name.hasPrefix("[[...") && name.hasSuffix("]]") {
            return .optionalCatchAll(try validName(String(name.dropFirst(5).dropLast(2)), folder: name))
        }
        if name.hasPrefix("[...") && name.hasSuffix("]") {
            return .catchAll(try validName(String(name.dropFirst(4).dropLast(1)), folder: name))
        }
        if name.hasPrefix("[") && name.hasSuffix("]") {
            return .parameter(try validName(String(name.dropFirst(1).dropLast(1)), folder: name))
        }
        if name.contains("[") || name.contains("]") {
            throw .malformedSegment(name)
        }
        return .literal(name)
    }

    /// Parses one segment of a `:param` pattern string.
    public static func parse(pattern part: Substring) -> RouteSegment {
        guard part.first == ":" else { return .literal(String(part)) }
        if part.hasSuffix("+") { return .catchAll(String(part.dropFirst().dropLast())) }
        if part.hasSuffix("*") { return .optionalCatchAll(String(part.dropFirst().dropLast())) }
        return .parameter(String(part.dropFirst()))
    }

    private static func validName(_ n: String, folder: String) throws(RouteGenError.Reason) -> String {
        let ok = !n.isEmpty && n.unicodeScalars.allSatisfy { ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") && $0.isASCII }
            && !(n.first!.isNumber)
        guard ok else { throw .malformedSegment(folder) }
        return n
    }
}

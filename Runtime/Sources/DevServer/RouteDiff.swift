/// What changed between two `edge routes` tables. Lines are compared with runs of spaces
/// collapsed, so a wider column after a new route does not mark every row as changed.
public struct RouteDiff: Sendable, Equatable {
    public var added: [String]
    public var removed: [String]

    public var isEmpty: Bool { added.isEmpty && removed.isEmpty }

    public init(old: String, new: String) {
        let oldLines = RouteDiff.rows(old), newLines = RouteDiff.rows(new)
        var oldCounts: [String: Int] = [:]
        for l in oldLines { oldCounts[RouteDiff.normalize(l), default: 0] += 1 }
        var newCounts: [String: Int] = [:]
        for l in newLines { newCounts[RouteDiff.normalize(l), default: 0] += 1 }
        var added: [String] = []
        var remaining = oldCounts
        for l in newLines {
            let k = RouteDiff.normalize(l)
            if let c = remaining[k], c > 0 { remaining[k] = c - 1 } else { added.append(l) }
        }
        var removed: [String] = []
        remaining = newCounts
        for l in oldLines {
            let k = RouteDiff.normalize(l)
            if let c = remaining[k], c > 0 { remaining[k] = c - 1 } else { removed.append(l) }
        }
        self.added = added
        self.removed = removed
    }

    static func rows(_ table: String) -> [String] {
        table.split(separator: "\n").map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
    }

    static func normalize(_ line: String) -> String {
        line.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    /// The new table with `+` on added rows, then the removed rows with `-`.
    public static func render(old: String?, new: String, color: Bool) -> String {
        let style = Style(enabled: color)
        guard let old else {
            return new.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n").trimmingTrailingNewlines
        }
        let diff = RouteDiff(old: old, new: new)
        var added = Set(diff.added.map(normalize))
        var out: [String] = []
        for line in new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let k = normalize(line)
            if !k.isEmpty, added.contains(k) {
                added.remove(k)
                out.append(style.green("+ " + line))
            } else {
                out.append("  " + line)
            }
        }
        for r in diff.removed { out.append(style.red("- " + r)) }
        return out.joined(separator: "\n").trimmingTrailingNewlines
    }
}

extension String {
    var trimmingTrailingNewlines: String {
        var s = Substring(self)
        while let l = s.last, l == "\n" || l == " " { s.removeLast() }
        return String(s)
    }
}

/// Glob matching for `functions` keys: `**` spans folders, `*` and `?` stay within one segment,
/// `{a,b}` alternatives. Matched against project-root-relative file paths.
struct Glob: @unchecked Sendable {
    let regex: Regex<AnyRegexOutput>

    init?(_ text: String) {
        var r = "^"
        var i = text.startIndex
        var inBraces = false
        while i < text.endIndex {
            let c = text[i]
            let next = text.index(after: i)
            if c == "*" {
                if next < text.endIndex, text[next] == "*" {
                    let after = text.index(after: next)
                    if after < text.endIndex, text[after] == "/" {
                        r += "(?:.*/)?"
                        i = text.index(after: after)
                    } else {
                        r += ".*"
                        i = after
                    }
                    continue
                }
                r += "[^/]*"
            } else if c == "?" {
                r += "[^/]"
            } else if c == "{" {
                r += "(?:"; inBraces = true
            } else if c == "}" && inBraces {
                r += ")"; inBraces = false
            } else if c == "," && inBraces {
                r += "|"
            } else {
                r += PathPattern.escape(String(c))
            }
            i = next
        }
        r += "$"
        guard let re = try? Regex(r) else { return nil }
        self.regex = re
    }

    func matches(_ path: String) -> Bool { (try? regex.wholeMatch(in: path)) != nil }
}

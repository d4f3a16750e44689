/// A `vercel.json` `source` pattern: path-to-regexp 6 with `strict`, `sensitive`, `end` and `/` as the
/// delimiter, matched against the pathname only.
///
/// Supported: literal text, `:name` (one segment), `:name?` (optional segment), `:name*` (zero or more
/// segments), `:name+` (one or more), `:name(regex)` (custom pattern), bare groups `(regex)` (positional
/// `$1`, `$2`...). A `/` before an optional or repeated parameter is optional with it.
struct PathPattern: @unchecked Sendable {
    let regex: Regex<AnyRegexOutput>
    /// Parameter names in order; positional groups are named "1", "2"...
    let names: [String]

    struct SyntaxError: Error { let message: String }

    init(_ source: String) throws(SyntaxError) {
        var out = "^"
        var names: [String] = []
        var positional = 0
        let chars = Array(source)
        var i = 0
        func customGroup() throws(SyntaxError) -> String {
            // chars[i] == "(": read to the matching ")"
            var depth = 0
            var s = ""
            while i < chars.count {
                let c = chars[i]
                if c == "\\", i + 1 < chars.count { s.append(c); s.append(chars[i + 1]); i += 2; continue }
                if c == "(" { depth += 1; if depth == 1 { i += 1; continue } }
                if c == ")" { depth -= 1; if depth == 0 { i += 1; return s } }
                s.append(c)
                i += 1
            }
            throw SyntaxError(message: "unbalanced '(' in \(source)")
        }
        while i < chars.count {
            let c = chars[i]
            var prefix = ""
            if c == "/", i + 1 < chars.count, chars[i + 1] == ":" || chars[i + 1] == "(" {
                prefix = "/"
                i += 1
            }
            let d = chars[i]
            if d == ":" || d == "(" {
                var name: String
                if d == ":" {
                    i += 1
                    name = ""
                    while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" { name.append(chars[i]); i += 1 }
                    if name.isEmpty { throw SyntaxError(message: "missing parameter name at offset \(i) in \(source)") }
                } else {
                    positional += 1
                    name = String(positional)
                }
                var inner = "[^/#?]+?"
                if i < chars.count, chars[i] == "(" { inner = try customGroup() }
                if d == "(" && inner == "[^/#?]+?" { inner = try customGroup() }
                var modifier: Character? = nil
                if i < chars.count, "?*+".contains(chars[i]) { modifier = chars[i]; i += 1 }
                let group = "g\(names.count)"
                names.append(name)
                let p = Self.escape(prefix)
                switch modifier {
                case "?": out += "(?:\(p)(?<\(group)>\(inner)))?"
                case "*": out += "(?:\(p)(?<\(group)>(?:\(inner))(?:\(p)(?:\(inner)))*))?"
                case "+": out += "\(p)(?<\(group)>(?:\(inner))(?:\(p)(?:\(inner)))*)"
                default: out += "\(p)(?<\(group)>\(inner))"
                }
                continue
            }
            out += Self.escape(String(d))
            i += 1
        }
        out += "$"
        do {
            self.regex = try Regex(out)
        } catch {
            throw SyntaxError(message: "invalid pattern \(source): \(error)")
        }
        self.names = names
    }

    /// Captured parameters by name (and by position for unnamed groups), or nil when the path does not match.
    func match(_ path: String) -> [String: String]? {
        guard let m = try? regex.wholeMatch(in: path) else { return nil }
        var params: [String: String] = [:]
        for (i, name) in names.enumerated() {
            params[name] = m.output["g\(i)"]?.substring.map(String.init) ?? ""
        }
        return params
    }

    static func escape(_ s: String) -> String {
        var o = ""
        for c in s {
            if "\\^$.|?*+()[]{}".contains(c) { o.append("\\") }
            o.append(c)
        }
        return o
    }

    /// Replaces `:name` and `$name` / `$1` in a destination or header value with captured values.
    static func interpolate(_ template: String, _ params: [String: String]) -> String {
        if params.isEmpty { return template }
        var out = ""
        let chars = Array(template)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == ":" || c == "$", i + 1 < chars.count, chars[i + 1].isLetter || chars[i + 1].isNumber || chars[i + 1] == "_" {
                var j = i + 1
                var name = ""
                while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" { name.append(chars[j]); j += 1 }
                // `:name*` / `:name+` in destinations: drop the modifier.
                if let v = params[name] {
                    out += v
                    if j < chars.count, "*+".contains(chars[j]) { j += 1 }
                    i = j
                    continue
                }
            }
            out.append(c)
            i += 1
        }
        return out
    }

    /// Whether the template mentions a parameter by `:name` or `$name`.
    static func mentions(_ template: String, _ name: String) -> Bool {
        template.contains(":" + name) || template.contains("$" + name)
    }
}

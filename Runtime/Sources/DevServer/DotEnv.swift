/// `.env` files, parsed the way `dotenv` (and so Next.js) reads them, and merged in Next.js order.
///
/// Syntax:
/// - `KEY=value`, optional `export ` prefix, spaces around the key and `=` are ignored;
/// - `#` starts a comment on its own line, or after whitespace in an unquoted value;
/// - `'single'` and `` `backtick` `` quotes are literal; `"double"` quotes understand
///   `\n \r \t \\ \" \$`; quoted values may span several lines;
/// - unquoted values are trimmed;
/// - `$VAR`, `${VAR}` and `${VAR:-default}` expand in unquoted and double-quoted values
///   (as `dotenv-expand` does in Next.js); `\$` keeps a literal dollar.
public enum DotEnv {
    /// The files `edge dev` loads, lowest priority first (Next.js's development order; later wins).
    public static let developmentFiles = [".env", ".env.development", ".env.local", ".env.development.local"]

    /// One `KEY=value` assignment.
    public struct Entry: Sendable, Equatable {
        public var key: String
        /// The value as written, unescaped, before `$VAR` expansion.
        public var value: String { template.replacingAll("\u{0}", with: "$") }
        /// False for single- and backtick-quoted values, which are taken literally.
        public var expands: Bool
        public var line: Int
        /// The value with escaped dollars (`\$`) marked by NUL, so expansion leaves them alone.
        var template: String

        public init(key: String, value: String, expands: Bool = true, line: Int = 0) {
            self.init(key: key, template: value, expands: expands, line: line)
        }

        init(key: String, template: String, expands: Bool, line: Int) {
            self.key = key
            self.template = template
            self.expands = expands
            self.line = line
        }
    }

    /// A line that is not an assignment.
    public struct Warning: Sendable, Equatable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    public struct ParseResult: Sendable, Equatable {
        public var entries: [Entry] = []
        public var warnings: [Warning] = []

        /// The values; when a file assigns a key twice, the last assignment wins (as in `dotenv`).
        public var values: [String: String] {
            var d: [String: String] = [:]
            for e in entries { d[e.key] = e.value }
            return d
        }
    }

    // MARK: Parsing

    public static func parse(_ text: String) -> ParseResult {
        var result = ParseResult()
        let chars = Array(text.unicodeScalars)
        var i = 0
        var line = 1
        let n = chars.count

        func isBlank(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\t" }
        func skipToEndOfLine() {
            while i < n, chars[i] != "\n" { i += 1 }
            if i < n { i += 1; line += 1 }
        }

        while i < n {
            // Leading whitespace, blank lines, comments.
            while i < n, isBlank(chars[i]) || chars[i] == "\r" { i += 1 }
            if i >= n { break }
            if chars[i] == "\n" { i += 1; line += 1; continue }
            if chars[i] == "#" { skipToEndOfLine(); continue }
            let startLine = line

            // Key (with an optional `export ` prefix).
            var keyStart = i
            while i < n, !isBlank(chars[i]), chars[i] != "=", chars[i] != "\n", chars[i] != ":" { i += 1 }
            var key = String(String.UnicodeScalarView(chars[keyStart..<i]))
            if key == "export" {
                var j = i
                while j < n, isBlank(chars[j]) { j += 1 }
                if j < n, j > i, chars[j] != "=" {
                    i = j
                    keyStart = i
                    while i < n, !isBlank(chars[i]), chars[i] != "=", chars[i] != "\n", chars[i] != ":" { i += 1 }
                    key = String(String.UnicodeScalarView(chars[keyStart..<i]))
                }
            }
            while i < n, isBlank(chars[i]) { i += 1 }
            // dotenv also accepts `KEY: value` (YAML-ish); so do we.
            guard i < n, chars[i] == "=" || chars[i] == ":", isValidKey(key) else {
                result.warnings.append(Warning(line: startLine, message: key.isEmpty ? "expected KEY=value" : "expected KEY=value, got '\(key)…'"))
                skipToEndOfLine()
                continue
            }
            i += 1
            while i < n, isBlank(chars[i]) { i += 1 }

            // Value.
            if i < n, chars[i] == "\"" || chars[i] == "'" || chars[i] == "`" {
                let quote = chars[i]
                i += 1
                var value = String.UnicodeScalarView()
                var closed = false
                let valueStart = i, valueLine = line
                while i < n {
                    let c = chars[i]
                    if c == quote { closed = true; i += 1; break }
                    if c == "\n" { line += 1 }
                    if quote == "\"", c == "\\", i + 1 < n {
                        let e = chars[i + 1]
                        switch e {
                        case "n": value.append("\n")
                        case "r": value.append("\r")
                        case "t": value.append("\t")
                        case "\\": value.append("\\")
                        case "\"": value.append("\"")
                        // Kept escaped so expansion can tell it from a variable; unescaped below.
                        case "$": value.append("\u{0}")
                        default: value.append("\\"); value.append(e)
                        }
                        i += 2
                        continue
                    }
                    value.append(c)
                    i += 1
                }
                if !closed {
                    // Unterminated quote: dotenv takes the rest of the line literally, quote included.
                    result.warnings.append(Warning(line: startLine, message: "unterminated \(quote) quote for \(key)"))
                    i = valueStart
                    line = valueLine
                    var raw = String.UnicodeScalarView([quote])
                    while i < n, chars[i] != "\n" { raw.append(chars[i]); i += 1 }
                    result.entries.append(Entry(key: key, template: trim(String(raw)), expands: false, line: startLine))
                    skipToEndOfLine()
                    continue
                }
                // The rest of the line may only hold a comment.
                skipToEndOfLine()
                result.entries.append(Entry(key: key, template: String(value), expands: quote == "\"", line: startLine))
            } else {
                var value = String.UnicodeScalarView()
                while i < n, chars[i] != "\n" {
                    let c = chars[i]
                    if c == "#", value.isEmpty || isBlank(value.last!) { break }
                    if c == "\\", i + 1 < n, chars[i + 1] == "$" { value.append("\u{0}"); i += 2; continue }
                    value.append(c)
                    i += 1
                }
                skipToEndOfLine()
                result.entries.append(Entry(key: key, template: trim(String(value)), expands: true, line: startLine))
            }
        }
        return result
    }

    static func isValidKey(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else { return false }
        return key.unicodeScalars.allSatisfy { $0 == "_" || $0 == "." || $0 == "-" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
    }

    static func trim(_ s: String) -> String {
        var u = Substring(s)
        while let f = u.first, f == " " || f == "\t" || f == "\r" { u.removeFirst() }
        while let l = u.last, l == " " || l == "\t" || l == "\r" { u.removeLast() }
        return String(u)
    }

    // MARK: Expansion

    /// Expands `$VAR`, `${VAR}`, `${VAR:-default}` and `${VAR-default}` using `lookup`; restores `\$`.
    public static func expand(_ value: String, lookup: (String) -> String?) -> String {
        let s = Array(value.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        func isNameChar(_ c: Unicode.Scalar) -> Bool { c == "_" || c.properties.isAlphabetic || ("0"..."9").contains(c) }
        while i < s.count {
            let c = s[i]
            if c == "\u{0}" { out.append("$"); i += 1; continue }
            guard c == "$", i + 1 < s.count else { out.append(c); i += 1; continue }
            if s[i + 1] == "{", let close = s[(i + 2)...].firstIndex(of: "}") {
                let inner = String(String.UnicodeScalarView(s[(i + 2)..<close]))
                var name = inner, fallback: String? = nil, onlyIfUnset = false
                if let r = inner.firstRange(of: ":-") {
                    name = String(inner[..<r.lowerBound]); fallback = String(inner[r.upperBound...])
                } else if let r = inner.firstIndex(of: "-") {
                    name = String(inner[..<r]); fallback = String(inner[inner.index(after: r)...]); onlyIfUnset = true
                }
                let v = lookup(name)
                let resolved: String
                if let v, !(v.isEmpty && !onlyIfUnset && fallback != nil) {
                    resolved = v
                } else {
                    resolved = fallback.map { expand($0, lookup: lookup) } ?? ""
                }
                out.append(contentsOf: resolved.unicodeScalars)
                i = close + 1
            } else if isNameChar(s[i + 1]), !("0"..."9").contains(s[i + 1]) {
                var j = i + 1
                while j < s.count, isNameChar(s[j]) { j += 1 }
                let name = String(String.UnicodeScalarView(s[(i + 1)..<j]))
                out.append(contentsOf: (lookup(name) ?? "").unicodeScalars)
                i = j
            } else {
                out.append(c)
                i += 1
            }
        }
        return String(out)
    }

    // MARK: Merging

    /// Merges parsed files (lowest priority first; later files win), expands variables (the process
    /// environment first, then the merged files, as `dotenv-expand` does), and lays the process
    /// environment over the result: a variable set in the shell always wins over every file.
    public static func merge(files: [ParseResult], processEnvironment: [String: String]) -> [String: String] {
        var fromFiles: [String: Entry] = [:]
        for file in files {
            for e in file.entries { fromFiles[e.key] = e }
        }
        var resolved: [String: String] = [:]
        var resolving: Set<String> = []
        func value(of key: String) -> String? {
            if let v = processEnvironment[key] { return v }
            if let v = resolved[key] { return v }
            guard let e = fromFiles[key] else { return nil }
            guard e.expands else { resolved[key] = e.value; return e.value }
            guard !resolving.contains(key) else { return "" }  // a cycle: expands to nothing
            resolving.insert(key)
            let v = expand(e.template, lookup: value(of:))
            resolving.remove(key)
            resolved[key] = v
            return v
        }
        var merged: [String: String] = [:]
        for key in fromFiles.keys { merged[key] = value(of: key) }
        for (k, v) in processEnvironment { merged[k] = v }
        return merged
    }

    /// Reads and parses the development files present in `directory`; also returns which ones
    /// were found and any warnings (prefixed with the file name).
    public static func load(directory: String, files: [String] = developmentFiles, processEnvironment: [String: String]) -> (environment: [String: String], loaded: [String], warnings: [String]) {
        var parsed: [ParseResult] = []
        var loaded: [String] = []
        var warnings: [String] = []
        for name in files {
            guard let text = FileSystem.readText(directory + "/" + name) else { continue }
            let r = parse(text)
            parsed.append(r)
            loaded.append(name)
            warnings += r.warnings.map { "\(name): \($0)" }
        }
        return (merge(files: parsed, processEnvironment: processEnvironment), loaded, warnings)
    }
}

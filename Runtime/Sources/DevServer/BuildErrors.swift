/// One compiler (or plugin, or linker) error from `swift build` output.
public struct BuildDiagnostic: Sendable, Equatable {
    /// Relative to the project when it lies inside it.
    public var file: String?
    public var line: Int?
    public var column: Int?
    public var message: String
    /// The source excerpt the compiler printed under the error (Swift 6 style: `12 | code`).
    public var snippet: [String]

    public init(file: String? = nil, line: Int? = nil, column: Int? = nil, message: String, snippet: [String] = []) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.snippet = snippet
    }

    /// `Functions/hello/Hello.swift:8:9`
    public var location: String? {
        guard let file else { return nil }
        var s = file
        if let line { s += ":\(line)" }
        if let column { s += ":\(column)" }
        return s
    }
}

/// Extracts the errors from a failed `swift build`: each `file:line:col: error:` once (the driver
/// and `swift build` repeat them), plus located-less errors that say something (route-table plugin,
/// linker), without the "command failed" noise.
public enum BuildErrors {
    static let noise = [
        "command failed with exit code",
        "command failed due to signal",
        "emit-module command failed",
        "compile command failed",
        "fatalError",
        "build had ",
        "linker command failed",
        "errors generated",
    ]

    public static func extract(from output: String, projectDirectory: String? = nil) -> [BuildDiagnostic] {
        let prefix = projectDirectory.map { $0.hasSuffix("/") ? $0 : $0 + "/" }
        var result: [BuildDiagnostic] = []
        var seen: Set<String> = []
        var current: Int? = nil  // index in `result` whose snippet is being collected
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map { stripANSI(String($0)) }

        for raw in lines {
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : raw
            if isSnippetLine(line) {
                // Under a new error: its excerpt; under a repeated one (or none): skip.
                if let c = current { result[c].snippet.append(line) }
                continue
            }
            current = nil
            if var d = parseLocated(line) {
                guard d.kind == "error" else { continue }
                if let prefix, let f = d.diagnostic.file, f.hasPrefix(prefix) { d.diagnostic.file = String(f.dropFirst(prefix.count)) }
                let key = "\(d.diagnostic.location ?? ""): \(d.diagnostic.message)"
                if seen.insert(key).inserted {
                    result.append(d.diagnostic)
                    current = result.count - 1
                }
                continue
            }
            // Unlocated errors: `error: ...`, `RouteGen: error: ...`, `ld.lld: error: ...`.
            guard let r = line.firstRange(of: "error: ") else { continue }
            let message = String(line[r.upperBound...]).trimmingSpaces
            if message.isEmpty || noise.contains(where: { message.contains($0) }) { continue }
            let tool = String(line[..<r.lowerBound]).trimmingSpaces
            var text = message
            let t = tool.hasSuffix(":") ? String(tool.dropLast()) : tool
            if !t.isEmpty, !t.contains(" "), t.count < 60 { text = "\(t): \(message)" }
            if let prefix { text = text.replacingAll(prefix, with: "") }
            if seen.insert(text).inserted {
                result.append(BuildDiagnostic(message: text))
            }
        }
        // Trim trailing empty snippet lines.
        for i in result.indices {
            while let l = result[i].snippet.last, l.trimmingSpaces.isEmpty || l.trimmingSpaces == "|" { result[i].snippet.removeLast() }
        }
        return result
    }

    /// `/abs/File.swift:12:5: error: message` (column optional).
    static func parseLocated(_ line: String) -> (kind: String, diagnostic: BuildDiagnostic)? {
        for kind in ["error", "warning", "note"] {
            guard let r = line.firstRange(of: ": \(kind): ") else { continue }
            let head = line[..<r.lowerBound]
            let message = String(line[r.upperBound...])
            // head = path:line[:column]
            let parts = head.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count >= 2 else { return nil }
            var nums: [Int] = []
            var pathEnd = parts.count
            while pathEnd > 1, nums.count < 2, let n = Int(parts[pathEnd - 1]) {
                nums.insert(n, at: 0)
                pathEnd -= 1
            }
            guard !nums.isEmpty else { return nil }
            let path = parts[..<pathEnd].joined(separator: ":")
            guard !path.isEmpty, !path.contains(" "), path.contains(".") || path.contains("/") else { return nil }
            return (kind, BuildDiagnostic(file: path, line: nums[0], column: nums.count > 1 ? nums[1] : nil, message: message))
        }
        return nil
    }

    /// Swift 6 diagnostics print the code under the error: `  7 |     let x = y`, `    |     `- error: ...`.
    static func isSnippetLine(_ line: String) -> Bool {
        var s = Substring(line)
        while s.first == " " { s.removeFirst() }
        while let f = s.first, f.isNumber { s.removeFirst() }
        while s.first == " " { s.removeFirst() }
        return s.first == "|" || s.hasPrefix("╭") || s.hasPrefix("╰") || s.hasPrefix("┆")
    }

    static func stripANSI(_ s: String) -> String {
        guard s.contains("\u{1B}") else { return s }
        var out = String.UnicodeScalarView()
        var it = s.unicodeScalars.makeIterator()
        while let c = it.next() {
            if c == "\u{1B}" {
                // CSI: ESC [ ... final byte in @...~
                guard let n = it.next() else { break }
                if n == "[" {
                    while let x = it.next(), !(x.value >= 0x40 && x.value <= 0x7E) {}
                }
                continue
            }
            out.append(c)
        }
        return String(out)
    }

    /// The errors as the terminal shows them: the location in bold, the message in red, the code
    /// excerpt dimmed; at most `limit` errors.
    public static func render(_ diagnostics: [BuildDiagnostic], color: Bool, limit: Int = 12) -> String {
        let style = Style(enabled: color)
        var out: [String] = []
        for d in diagnostics.prefix(limit) {
            if let loc = d.location {
                out.append("  \(style.bold(loc)): \(style.red("error:")) \(d.message)")
            } else {
                out.append("  \(style.red("error:")) \(d.message)")
            }
            for s in d.snippet { out.append("    " + style.dim(s)) }
        }
        if diagnostics.count > limit { out.append("  … and \(diagnostics.count - limit) more errors") }
        return out.joined(separator: "\n")
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s.removeLast() }
        return String(s)
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = Substring(self)
        while let r = rest.firstRange(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        out += rest
        return out
    }
}

/// ANSI colours, only when the output is a terminal.
struct Style: Sendable {
    let enabled: Bool
    func wrap(_ code: String, _ s: String) -> String { enabled ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
    func bold(_ s: String) -> String { wrap("1", s) }
    func dim(_ s: String) -> String { wrap("2", s) }
    func red(_ s: String) -> String { wrap("31", s) }
    func green(_ s: String) -> String { wrap("32", s) }
    func yellow(_ s: String) -> String { wrap("33", s) }
    func cyan(_ s: String) -> String { wrap("36", s) }
}

/// The type declarations of one Swift file, found without a parser: comments and string literals are
/// blanked out, then every `struct|class|enum|actor|protocol|typealias|extension Name ... :` header is read
/// up to its `{` or `=`. Enough to tell which types a file declares and what they conform to; the
/// compiler remains the judge of everything else.
public struct SwiftDeclarations: Equatable, Sendable {
    public struct Declaration: Equatable, Sendable {
        /// `struct`, `class`, `enum`, `actor`, `protocol`, `typealias` or `extension`.
        public let kind: String
        /// The declared (or extended) type's name; for `extension A.B` the last component.
        public let name: String
        /// 1-based.
        public let line: Int
        /// The names after `:` (last components, generic arguments skipped).
        public let inherited: [String]
    }

    public let declarations: [Declaration]

    public init(source: String) {
        let tokens = Self.tokens(Self.blanked(Array(source.unicodeScalars)))
        var found: [Declaration] = []
        let kinds: Set<String> = ["struct", "class", "enum", "actor", "protocol", "typealias", "extension"]
        var i = 0
        while i < tokens.count {
            let t = tokens[i]
            // `class func`, `class var` are members, not declarations.
            guard kinds.contains(t.text), i + 1 < tokens.count, Self.isIdentifier(tokens[i + 1].text),
                  !Self.memberKeywords.contains(tokens[i + 1].text) else { i += 1; continue }
            var name = tokens[i + 1].text
            var j = i + 2
            while j + 1 < tokens.count, tokens[j].text == ".", Self.isIdentifier(tokens[j + 1].text) {
                name = tokens[j + 1].text
                j += 2
            }
            var inherited: [String] = []
            var depth = 0
            var afterColon = false
            var expectName = false
            while j < tokens.count {
                let x = tokens[j].text
                if x == "{" || (x == "=" && t.text == "typealias") || (depth == 0 && x == "where") { break }
                if x == "@" { j += 2; continue }  // an attribute (`@unchecked Sendable`)
                if x == "<" { depth += 1 } else if x == ">" { depth -= 1 }
                else if depth == 0 && x == ":" { afterColon = true; expectName = true }
                else if depth == 0 && x == "," && afterColon { expectName = true }
                else if depth == 0 && x == "." { expectName = true; if !inherited.isEmpty { inherited.removeLast() } }
                else if depth == 0 && expectName && Self.isIdentifier(x) && x != "any" && x != "some" {
                    inherited.append(x)
                    expectName = false
                }
                j += 1
            }
            found.append(Declaration(kind: t.text, name: name, line: t.line, inherited: inherited))
            i = j
        }
        declarations = found
    }

    struct Token {
        let text: String
        let line: Int
    }

    /// Words after `class` that make it a member modifier (`class func`), not a declaration.
    static let memberKeywords: Set<String> = [
        "func", "var", "let", "subscript", "init", "deinit", "override", "final", "static", "private", "fileprivate",
        "internal", "public", "package", "open", "required", "convenience", "mutating", "nonmutating", "nonisolated",
    ]

    static func isIdentifier(_ s: String) -> Bool {
        guard let f = s.unicodeScalars.first else { return false }
        return f == "_" || f.properties.isAlphabetic || (f == "`" && s.count > 2)
    }

    /// Identifiers (backticks dropped) and one-character punctuation, with their lines.
    static func tokens(_ text: [Unicode.Scalar]) -> [Token] {
        var out: [Token] = []
        var line = 1
        var i = 0
        while i < text.count {
            let c = text[i]
            if c == "\n" { line += 1; i += 1; continue }
            if c == " " || c == "\t" || c == "\r" { i += 1; continue }
            if c == "_" || c == "`" || c.properties.isAlphabetic {
                var word = ""
                if c == "`" { i += 1 }
                while i < text.count, text[i] == "_" || text[i].properties.isAlphabetic || text[i].properties.numericType != nil {
                    word.unicodeScalars.append(text[i])
                    i += 1
                }
                if i < text.count, text[i] == "`" { i += 1 }
                if !word.isEmpty { out.append(Token(text: word, line: line)) }
                continue
            }
            out.append(Token(text: String(c), line: line))
            i += 1
        }
        return out
    }

    /// The text with comments and string literal contents replaced by spaces (newlines kept, so lines stay).
    static func blanked(_ s: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out = s
        var i = 0
        func at(_ k: Int) -> Unicode.Scalar? { k < s.count ? s[k] : nil }
        func blank(_ from: Int, _ to: Int) {
            var k = from
            while k < min(to, s.count) { if s[k] != "\n" { out[k] = " " }; k += 1 }
        }
        while i < s.count {
            let c = s[i]
            if c == "/", at(i + 1) == "/" {
                var k = i
                while k < s.count, s[k] != "\n" { k += 1 }
                blank(i, k); i = k
            } else if c == "/", at(i + 1) == "*" {
                var depth = 0
                var k = i
                repeat {
                    if s[k] == "/", at(k + 1) == "*" { depth += 1; k += 2 }
                    else if s[k] == "*", at(k + 1) == "/" { depth -= 1; k += 2 }
                    else { k += 1 }
                } while depth > 0 && k < s.count
                blank(i, k); i = k
            } else if c == "#" || c == "\"" {
                // A string literal, with any number of `#` (raw strings) and one or three quotes.
                var k = i
                var hashes = 0
                while at(k) == "#" { hashes += 1; k += 1 }
                guard at(k) == "\"" else { i += 1; continue }
                let triple = at(k + 1) == "\"" && at(k + 2) == "\""
                k += triple ? 3 : 1
                while k < s.count {
                    if s[k] == "\\", hashes == 0 { k += 2; continue }
                    if s[k] == "\"" {
                        let closes = triple ? (at(k + 1) == "\"" && at(k + 2) == "\"") : true
                        let q = k + (triple ? 3 : 1)
                        var h = 0
                        while h < hashes, at(q + h) == "#" { h += 1 }
                        if closes && h == hashes { k = q + h; break }
                    }
                    if s[k] == "\n" && !triple { break }
                    k += 1
                }
                blank(i, k); i = k
            } else {
                i += 1
            }
        }
        return out
    }
}

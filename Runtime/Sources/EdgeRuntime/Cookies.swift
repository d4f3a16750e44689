/// Cookies parsed from a `Cookie` header, plus a `Set-Cookie` builder.
public struct Cookies: Sendable {
    public let values: [String: String]

    public init(header: String) {
        var v: [String: String] = [:]
        for part in header.split(separator: ";") {
            let trimmed = part.drop(while: { $0 == " " })
            guard let eq = trimmed.firstIndex(of: "=") else { continue }
            let name = String(trimmed[..<eq])
            if v[name] == nil { v[name] = PercentDecoding.decode(trimmed[trimmed.index(after: eq)...]) }
        }
        values = v
    }

    public subscript(name: String) -> String? { values[name] }

    /// A `Set-Cookie` header value.
    public static func setCookie(
        _ name: String, _ value: String, maxAge: Int? = nil, path: String = "/", httpOnly: Bool = true,
        secure: Bool = false, sameSite: String? = "Lax"
    ) -> String {
        var s = "\(name)=\(value); Path=\(path)"
        if let maxAge { s += "; Max-Age=\(maxAge)" }
        if httpOnly { s += "; HttpOnly" }
        if secure { s += "; Secure" }
        if let sameSite { s += "; SameSite=\(sameSite)" }
        return s
    }
}

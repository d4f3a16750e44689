/// A secret a request must present: a header's value, or an `Authorization: Bearer` token, compared in
/// constant time with the configured token.
///
/// When the configured token is unset or empty, ``WhenUnset`` decides: `.rejectAll` fails closed (an
/// admin token nobody configured admits nobody), `.admitAll` turns the check off (an optional API key).
public struct Credential: Sendable {
    public enum WhenUnset: Sendable {
        case rejectAll
        case admitAll
    }

    enum Source: Sendable {
        case header(HTTPField.Name)
        case bearer
        case never
    }

    let source: Source
    /// The configured token (trimmed when `trimmed`) as a digest; nil when unset or empty.
    let secret: ConstantTime.Secret?
    let whenUnset: WhenUnset
    let trimmed: Bool
    /// The error a request without the credential gets (rendered by the app's ``ErrorShape``).
    public let failure: HTTPError

    init(source: Source, token: String?, whenUnset: WhenUnset, trimmed: Bool, failure: HTTPError) {
        let expected = token.map { trimmed ? $0.trimmingSpaces : $0 }
        self.source = source
        self.secret = expected.flatMap { $0.isEmpty ? nil : ConstantTime.Secret($0) }
        self.whenUnset = whenUnset
        self.trimmed = trimmed
        self.failure = failure
    }

    /// The 401 used unless a credential names its own.
    public static func unauthorized(_ message: String = "Unauthorized") -> HTTPError {
        HTTPError(.unauthorized, code: "unauthorized", message: message, error: "Unauthorized")
    }

    /// The header `name` must equal `token`. `trimmed` compares both sides without surrounding spaces.
    public static func header(_ name: String, equals token: String?, whenUnset: WhenUnset, trimmed: Bool = false,
                              failure: HTTPError? = nil) -> Credential {
        let fieldName = HTTPField.Name(name)
        return Credential(source: fieldName.map { .header($0) } ?? .never, token: token, whenUnset: whenUnset, trimmed: trimmed,
                          failure: failure ?? unauthorized("A valid \(name) header is required"))
    }

    /// `Authorization: Bearer <token>` must carry `token`.
    public static func bearer(equals token: String?, whenUnset: WhenUnset, failure: HTTPError? = nil) -> Credential {
        Credential(source: .bearer, token: token, whenUnset: whenUnset, trimmed: true,
                   failure: failure ?? unauthorized("A valid bearer token is required"))
    }

    /// A credential that admits every request (a check switched off by configuration).
    public static let off = Credential(source: .never, token: nil, whenUnset: .admitAll, trimmed: false, failure: unauthorized())

    /// A name the app does not declare: admits nobody, and says so in the error.
    static func unknown(_ name: String) -> Credential {
        Credential(source: .never, token: "", whenUnset: .rejectAll, trimmed: false,
                   failure: HTTPError(.internalServerError, code: "internal_error", message: "The route requires an undeclared credential '\(name)'"))
    }

    /// True when `headers` present the credential. The token is compared as SHA-256 digests in constant
    /// time (``ConstantTime/Secret``): neither its length nor a shared prefix shows in the timing.
    public func admits(_ headers: HTTPFields) -> Bool {
        guard let secret else { return whenUnset == .admitAll }
        let sent: String?
        switch source {
        case .header(let name): sent = headers[name]
        case .bearer:
            sent = headers[.authorization].flatMap { value in
                value.count > 7 && value.prefix(7).lowercased() == "bearer " ? String(value.dropFirst(7)) : nil
            }
        case .never: return false
        }
        guard let sent else { return false }
        return secret.matches(trimmed ? sent.trimmingSpaces : sent)
    }
}

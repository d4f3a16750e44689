/// A set of HTTP methods a function answers.
public struct HTTPMethods: OptionSet, Sendable, Hashable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let get = HTTPMethods(rawValue: 1 << 0)
    public static let head = HTTPMethods(rawValue: 1 << 1)
    public static let post = HTTPMethods(rawValue: 1 << 2)
    public static let put = HTTPMethods(rawValue: 1 << 3)
    public static let patch = HTTPMethods(rawValue: 1 << 4)
    public static let delete = HTTPMethods(rawValue: 1 << 5)
    public static let options = HTTPMethods(rawValue: 1 << 6)
    /// Every method except OPTIONS, which the runtime answers unless it is listed explicitly.
    public static let all: HTTPMethods = [.get, .head, .post, .put, .patch, .delete]

    /// The set member for a request method, or nil for methods we never route (TRACE, CONNECT, custom).
    public init?(_ method: HTTPRequest.Method) {
        switch method {
        case .get: self = .get
        case .head: self = .head
        case .post: self = .post
        case .put: self = .put
        case .patch: self = .patch
        case .delete: self = .delete
        case .options: self = .options
        default: return nil
        }
    }

    /// Names in canonical order, as used in `Allow` headers and `edge routes`.
    public var names: [String] {
        var out: [String] = []
        let table: [(HTTPMethods, String)] = [
            (.get, "GET"), (.head, "HEAD"), (.post, "POST"), (.put, "PUT"),
            (.patch, "PATCH"), (.delete, "DELETE"), (.options, "OPTIONS"),
        ]
        for (m, n) in table where contains(m) { out.append(n) }
        return out
    }
}

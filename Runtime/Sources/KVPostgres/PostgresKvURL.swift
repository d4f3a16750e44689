public import KV

/// A parsed `KV_URL`: `postgres://user[:password]@host[:port]/database` (also `postgresql://`).
///
/// `?host=/path/to/socket/dir` selects a unix socket (`.s.PGSQL.<port>` in that directory), as libpq
/// does. Percent-escapes in user, password and database are decoded. Anything else is a clear
/// `invalidInput` error naming the part that is wrong; the password never appears in an error.
public struct PostgresKvURL: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    /// A unix-socket directory (`?host=/dir`), preferred over `host`/`port` for connecting.
    public var socketDirectory: String?

    /// True if `url` names a PostgreSQL store (the `postgres://` or `postgresql://` scheme).
    public static func isPostgres(_ url: String) -> Bool {
        url.hasPrefix("postgres://") || url.hasPrefix("postgresql://")
    }

    public init(_ url: String) throws(KvError) {
        guard Self.isPostgres(url), let schemeEnd = url.range(of: "://") else {
            throw KvError(.invalidInput, "KV_URL must start with postgres:// or postgresql://")
        }
        var rest = Substring(url[schemeEnd.upperBound...])
        var query: Substring = ""
        if let q = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: q)...]
            rest = rest[..<q]
        }
        guard let at = rest.lastIndex(of: "@") else { throw KvError(.invalidInput, "KV_URL needs a user: postgres://user@host/db") }
        let userInfo = rest[..<at]
        let hostAndPath = rest[rest.index(after: at)...]
        if let colon = userInfo.firstIndex(of: ":") {
            username = try Self.decode(userInfo[..<colon], "user")
            password = try Self.decode(userInfo[userInfo.index(after: colon)...], "password")
        } else {
            username = try Self.decode(userInfo, "user")
            password = nil
        }
        guard !username.isEmpty else { throw KvError(.invalidInput, "KV_URL has an empty user") }
        guard let slash = hostAndPath.firstIndex(of: "/") else { throw KvError(.invalidInput, "KV_URL needs a database: postgres://user@host/db") }
        database = try Self.decode(hostAndPath[hostAndPath.index(after: slash)...], "database")
        guard !database.isEmpty else { throw KvError(.invalidInput, "KV_URL has an empty database name") }
        let hostPort = hostAndPath[..<slash]
        if let colon = hostPort.lastIndex(of: ":") {
            host = String(hostPort[..<colon])
            guard let p = Int(hostPort[hostPort.index(after: colon)...]), (1...65535).contains(p) else {
                throw KvError(.invalidInput, "KV_URL has an invalid port")
            }
            port = p
        } else {
            host = String(hostPort)
            port = 5432
        }
        socketDirectory = nil
        for pair in query.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1)
            guard kv.count == 2 else { throw KvError(.invalidInput, "KV_URL has a malformed query parameter") }
            switch kv[0] {
            case "host": socketDirectory = try Self.decode(kv[1], "host")
            default: throw KvError(.invalidInput, "KV_URL has an unknown parameter '\(kv[0])' (known: host)")
            }
        }
        if host.isEmpty && socketDirectory == nil { throw KvError(.invalidInput, "KV_URL has an empty host") }
    }

    /// Percent-decoding; a malformed escape is an error naming `part`.
    static func decode(_ s: Substring, _ part: String) throws(KvError) -> String {
        var out: [UInt8] = []
        var it = Array(s.utf8)[...]
        while let c = it.popFirst() {
            guard c == UInt8(ascii: "%") else { out.append(c); continue }
            guard it.count >= 2, let hi = hexValue(it[it.startIndex]), let lo = hexValue(it[it.startIndex + 1]) else {
                throw KvError(.invalidInput, "KV_URL has a malformed percent-escape in the \(part)")
            }
            out.append(hi << 4 | lo)
            it = it.dropFirst(2)
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

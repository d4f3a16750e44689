#if canImport(Glibc)
import Glibc
#endif

/// A real PostgreSQL server for one test: Debian's `postgresql`, initialised in a temporary
/// directory and run as `nobody` on 127.0.0.1 with a free port (`Tests/support/postgres-server.sh`
/// does the work, so the shell-driven conformance run and Swift tests share one recipe). Stopped
/// and removed when the value goes away.
///
/// `stop()` and `start()` simulate an outage and the recovery (same port, same data).
public final class TemporaryPostgres: Sendable {
    /// `postgres://edge@127.0.0.1:PORT/postgres`, for `KV_URL`.
    public let url: String
    let directory: TemporaryDirectory

    /// The helper script: `$EDGE_PG_SCRIPT`, else `Tests/support/postgres-server.sh` under the
    /// current directory (the package root under `swift test`).
    static var script: String {
        if let s = getenv("EDGE_PG_SCRIPT") { return String(cString: s) }
        var buf = [CChar](repeating: 0, count: 4096)
        return (getcwd(&buf, buf.count).map { String(cString: $0) } ?? ".") + "/Tests/support/postgres-server.sh"
    }

    public init() throws {
        directory = try TemporaryDirectory(prefix: "edge-pg")
        try Self.run("start", directory.path)
        let text = Self.readText(directory.file("url")).split(separator: "\n").first.map(String.init) ?? ""
        guard text.hasPrefix("postgres://") else { throw RawHTTP.Failure(description: "postgres-server.sh wrote no URL") }
        url = text
    }

    /// Starts the server again after `stop()` (same port and data).
    public func start() throws { try Self.run("start", directory.path) }

    /// Stops the server at once (`pg_ctl -m immediate`): open connections break, like a crash.
    public func stop() { try? Self.run("stop", directory.path) }

    /// Adds a login role `name` (`[a-z0-9_]+`) on the running server and returns its `KV_URL`.
    /// With a `password` the role must authenticate with scram-sha-256 (every other role stays
    /// trusted; letters and digits only, it goes into the URL as is); `mayCreate` grants CREATE on schema `public`, without it the role cannot create
    /// the store's tables (PUBLIC has no CREATE there).
    public func addRole(_ name: String, password: String? = nil, mayCreate: Bool) throws -> String {
        try Self.run("role", directory.path, "'\(name)' '\(password ?? "-")' \(mayCreate ? "create" : "nocreate")")
        let auth = password.map { "\(name):\($0)" } ?? name
        return url.replacingOccurrences(of: "postgres://edge@", with: "postgres://\(auth)@")
    }

    /// Runs `sql` (no single quotes) as the owner on database `postgres`; returns the rows, one
    /// a line, columns separated by `|` (psql -tA). For tests that look at the tables themselves.
    public func query(_ sql: String) throws -> String {
        try Self.run("sql", directory.path, "'\(sql)'")
        return Self.readText(directory.file("sql.out")).split(separator: "\n").joined(separator: "\n")
    }

    static func run(_ verb: String, _ dir: String, _ more: String = "") throws {
        let status = ShellCommand.run("'\(script)' \(verb) '\(dir)' \(more) >'\(dir)/\(verb).out' 2>&1")
        guard status == 0 else {
            throw RawHTTP.Failure(description: "postgres-server.sh \(verb) failed (\(status)):\n\(Self.readText(dir + "/\(verb).out"))")
        }
    }

    static func readText(_ path: String) -> String {
        guard let fp = fopen(path, "rb") else { return "" }
        defer { fclose(fp) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&buf, 1, buf.count, fp)
            if n <= 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return String(decoding: out, as: UTF8.self)
    }

    deinit { stop() }
}

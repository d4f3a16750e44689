import EdgeRuntime
import KVLMDB
import KVPostgres

/// Store selection, kept apart from the rest of start-up: `KV_URL=postgres://…` selects the
/// PostgreSQL store (a fleet of `edge` instances sharing one database); otherwise the embedded
/// LMDB store under `kvPath` (the default, unchanged).
extension Startup {
    /// `KV_URL` when it names PostgreSQL.
    var kvURL: String? { env["KV_URL"].flatMap { PostgresKvURL.isPostgres($0) ? $0 : nil } }

    /// Where the KV lives, for messages: the PostgreSQL host and database (never the password), or the LMDB directory.
    var kvLocation: String {
        guard let kvURL else {
            if let other = env["KV_URL"], !other.isEmpty { return "KV_URL (not a postgres:// URL)" }
            return kvPath
        }
        guard let u = try? PostgresKvURL(kvURL) else { return "KV_URL (malformed)" }
        return "postgres://\(u.username)@\(u.host):\(u.port)/\(u.database)"
    }

    /// Opens the KV store. A failure is logged and leaves `context.kv` throwing 503 (never silent loss).
    /// PostgreSQL gets `PostgresKvStore.startupWaitMs` to come up (compose starts services together).
    func openKV() async -> Kv? {
        do {
            if let kvURL {
                return Kv(store: try await PostgresKvStore.open(url: kvURL, options: .init(logger: logger)))
            }
            if let other = env["KV_URL"], !other.isEmpty {
                logger.error("KV_URL must start with postgres:// (or be unset for the embedded LMDB store)")
                return nil
            }
            return try Kv.open(path: kvPath)
        } catch {
            logger.error("KV store unavailable", metadata: ["store": .string(kvLocation), "error": .string("\(error)")])
            return nil
        }
    }
}

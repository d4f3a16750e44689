import KV
import Logging
import PostgresNIO

/// The tables of the PostgreSQL store and their migrations.
///
/// `edge_kv_schema(version)` records the applied version. Start-up takes a transaction-scoped
/// advisory lock, so several instances starting at once migrate exactly once; each migration
/// is a list of statements applied in that same transaction (all or nothing).
///
/// Version 1:
/// - `edge_kv_counter`: one row, the last versionstamp counter handed out. Every commit locks
///   this row (`FOR UPDATE`) first, which serialises commits across the fleet (see
///   `PostgresKvStore` for the ordering argument).
/// - `edge_kv_data(key bytea, value bytea, versionstamp int8, expire_at int8)`: `key` is the
///   `KeyCodec` encoding, so the primary-key B-tree (bytewise `bytea` order) is Deno's key order;
///   `value` is `KvStoredValue.serialized`; `expire_at` is ms since the epoch, `Int64.max` for none.
/// - `edge_kv_queue`: pending and leased messages; `lease_until` 0 means not leased.
enum PostgresKvSchema {
    static let advisoryLockID: Int64 = 0x6564_6765_6B76  // "edgekv"
    static let never = Int64.max

    static let migrations: [[String]] = [
        [
            "CREATE TABLE edge_kv_counter (id int4 PRIMARY KEY, counter int8 NOT NULL)",
            "INSERT INTO edge_kv_counter VALUES (1, 0)",
            "CREATE TABLE edge_kv_data (key bytea PRIMARY KEY, value bytea NOT NULL, versionstamp int8 NOT NULL, expire_at int8 NOT NULL)",
            "CREATE INDEX edge_kv_data_expiry ON edge_kv_data (expire_at) WHERE expire_at < 9223372036854775807",
            """
            CREATE TABLE edge_kv_queue (id bytea PRIMARY KEY, ready_at int8 NOT NULL, lease_until int8 NOT NULL DEFAULT 0,
              payload bytea NOT NULL, keys_if_undelivered bytea[] NOT NULL, backoff int8[] NOT NULL)
            """,
            "CREATE INDEX edge_kv_queue_ready ON edge_kv_queue (ready_at, id)",
        ],
    ]

    /// Creates or migrates the schema; returns the version now in place.
    static func migrate(_ conn: PostgresLease, logger: Logger) async throws -> Int {
        func run(_ sql: String) async throws { _ = try await conn.run(PostgresQuery(unsafeSQL: sql)) }
        try await run("BEGIN")
        do {
            _ = try await conn.run("SELECT pg_advisory_xact_lock(\(advisoryLockID))")
            try await run("CREATE TABLE IF NOT EXISTS edge_kv_schema (version int4 NOT NULL)")
            let rows = try await conn.run("SELECT coalesce(max(version), 0)::int4 FROM edge_kv_schema")
            var version = Int(try rows.first?.decode(Int32.self) ?? 0)
            if version > migrations.count {
                throw KvError(.corrupt, "the database has KV schema version \(version), newer than this edge (\(migrations.count)): upgrade edge")
            }
            while version < migrations.count {
                for sql in migrations[version] { try await run(sql) }
                version += 1
                _ = try await conn.run("INSERT INTO edge_kv_schema VALUES (\(Int32(version)))")
                logger.info("KV schema migrated", metadata: ["version": "\(version)"])
            }
            try await run("COMMIT")
            return version
        } catch {
            _ = try? await conn.run("ROLLBACK")
            throw error
        }
    }
}

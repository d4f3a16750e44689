import KV
import KVLMDB
import KVPostgres
#if canImport(Glibc)
import Glibc
#endif

/// The store a conformance run exercises (`kv-conformance --store lmdb|memory|postgres`, default
/// lmdb). Every case starts from an empty store; `reopen` keeps the contents (the same directory
/// for LMDB, `MemoryKvStore(reopening:)` for memory, a new connection to the same database for
/// postgres). `postgres` runs on the database `KV_URL` names and erases it at the start of each case.
enum ConformanceStore: String {
    case lmdb
    case memory
    case postgres

    /// Parses `--store NAME` (or `--store=NAME`) out of the arguments; nil on a bad value.
    static func parse(_ args: [String]) -> ConformanceStore? {
        var chosen = ConformanceStore.lmdb
        var i = 0
        while i < args.count {
            let a = args[i]
            if a == "--store", i + 1 < args.count {
                guard let s = ConformanceStore(rawValue: args[i + 1]) else { return nil }
                chosen = s
                i += 1
            } else if a.hasPrefix("--store=") {
                guard let s = ConformanceStore(rawValue: String(a.dropFirst("--store=".count))) else { return nil }
                chosen = s
            } else if a == "--store" {
                return nil
            }
            i += 1
        }
        return chosen
    }

    /// LMDB map size of the per-case database.
    static let lmdbMapSize = 64 << 20

    /// Opens a fresh store; for LMDB `dir` is the (new, empty) data directory.
    func open(dir: String?) async throws(KvError) -> Kv {
        switch self {
        case .lmdb: return try Kv.open(path: dir!, options: .init(mapSize: Self.lmdbMapSize))
        case .memory: return Kv(store: MemoryKvStore())
        case .postgres:
            // `open` retries a failed connect like `edge serve`'s start-up (one process per case: on a
            // loaded CI machine a connect occasionally exceeded its 2 s and failed the whole case).
            let store = try await PostgresKvStore.open(url: try Self.postgresURL())
            try await store.eraseAllDataForTesting()
            return Kv(store: store)
        }
    }

    /// `KV_URL`, required for `--store postgres`.
    static func postgresURL() throws(KvError) -> String {
        guard let p = getenv("KV_URL") else { throw KvError(.invalidInput, "--store postgres needs KV_URL=postgres://…") }
        return String(cString: p)
    }

    /// Closes `kv` and opens its contents again.
    func reopen(_ kv: Kv, dir: String?) async throws(KvError) -> Kv {
        kv.close()
        switch self {
        case .lmdb: return try Kv.open(path: dir!, options: .init(mapSize: Self.lmdbMapSize))
        case .memory: return Kv(store: MemoryKvStore(reopening: kv.store as! MemoryKvStore))
        case .postgres: return try await Kv.open(postgres: try Self.postgresURL())
        }
    }
}

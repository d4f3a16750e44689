import EdgeTesting
import KV
import KVPostgres
import Synchronization

/// One real PostgreSQL server per test (started by `TemporaryPostgres`), and stores on it.
func withPostgres<T>(_ body: (TemporaryPostgres) async throws -> T) async throws -> T {
    let server = try TemporaryPostgres()
    return try await body(server)
}

func open(_ server: TemporaryPostgres, clock: any KvTimeSource = KvSystemClock()) async throws -> Kv {
    Kv(store: try await PostgresKvStore(url: server.url, options: .init(clock: clock)))
}

final class Tally: Sendable {
    let counts = Mutex<[String: Int]>([:])
    func add(_ s: String) { counts.withLock { $0[s, default: 0] += 1 } }
    var all: [String: Int] { counts.withLock { $0 } }
}

func monotonicMs() -> Int64 { KvClock.nowMs() }

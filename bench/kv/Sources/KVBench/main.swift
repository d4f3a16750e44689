import KV
import KVLMDB
import KVPostgres
#if canImport(Glibc)
import Glibc
#endif

/// kv-bench: our public KV API on LMDB or PostgreSQL, the workloads of bench/kv/run.py. Prints one JSON object.
///   kv-bench DIR [seconds-per-workload]              LMDB in DIR (`Kv.open(path:)`, as `edge` opens KV_PATH)
///   kv-bench postgres://… [seconds-per-workload]     PostgreSQL (`PostgresKvStore.open(url:)`, as `edge` opens KV_URL)
///   KV_URL=postgres://… kv-bench [-] [seconds]       the same, the URL from the environment
///   KV_BENCH_ONLY=list1000,write16 kv-bench …      only these workloads (the others report 0; for profiling one)
/// The store must be empty: kv-bench refuses to run rather than mix with (or erase) existing data. run.py gives each run a fresh directory or database.
func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func fail(_ message: String) -> Never {
    let line = Array("kv-bench: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(2)
}

let args = CommandLine.arguments
let envURL = getenv("KV_URL").map { String(cString: $0) }
let target: String
if args.count > 1 && args[1] != "-" {
    target = args[1]
} else if let envURL, PostgresKvURL.isPostgres(envURL) {
    target = envURL
} else {
    target = "/tmp/kv-bench-swift"
}
let seconds: Double
if args.count > 2 {
    guard let s = Double(args[2]), s > 0, s < 3600 else { fail("seconds must be a number in (0, 3600), got '\(args[2])'") }
    seconds = s
} else {
    seconds = 1.5
}
let kv: Kv
var postgres: PostgresKvStore?
do {
    if PostgresKvURL.isPostgres(target) {
        let store = try await PostgresKvStore.open(url: target)
        postgres = store
        kv = Kv(store: store)
    } else {
        kv = try Kv.open(path: target)
    }
} catch {
    fail("cannot open the store: \(error)")
}
if try kv.count(.prefix([])) > 0 {
    fail("the store is not empty: give kv-bench an empty directory or database (it neither mixes with nor erases data)")
}

/// How long to run workload `name`: `seconds`, or 0 if KV_BENCH_ONLY names other workloads.
let only = getenv("KV_BENCH_ONLY").map { Set(String(cString: $0).split(separator: ",").map(String.init)) }
func duration(_ name: String) -> Double { only.map { $0.contains(name) ? seconds : 0 } ?? seconds }

// Sequential get over 1000 existing keys.
for i in 0..<1000 { try await kv.set(["get", .number(Double(i))], ["n": .number(Double(i)), "s": "value"]) }
let keys: [KvKey] = (0..<1000).map { ["get", .number(Double($0))] }
var gets = 0
var t0 = now()
while now() - t0 < duration("get") {
    for i in 0..<1000 {
        let e = try await kv.get(keys[(i * 7919) % 1000])
        if e.versionstamp == nil { fatalError("missing") }
    }
    gets += 1000
}
let getRate = Double(gets) / (now() - t0)

// 1, 16 and 256 concurrent durable writers (each awaits its acknowledgement before the next set).
func concurrentWrites(_ kv: Kv, tag: String, writers: Int, deadline: Double) async throws -> Int {
  try await withThrowingTaskGroup(of: Int.self) { group in
    for w in 0..<writers {
        group.addTask {
            var n = 0
            while now() < deadline {
                try await kv.set([.string(tag), .number(Double(w)), .number(Double(n))], ["v": .number(Double(n))])
                n += 1
            }
            return n
        }
    }
    var total = 0
    for try await n in group { total += n }
    return total
  }
}
func measureWrites(_ kv: Kv, tag: String, writers: Int) async throws -> Double {
    let t0 = now()
    let commits = try await concurrentWrites(kv, tag: tag, writers: writers, deadline: t0 + duration(tag == "w" ? "write16" : "write\(writers)"))
    return Double(commits) / (now() - t0)
}
let write1Rate = try await measureWrites(kv, tag: "w1", writers: 1)
let before = postgres?.groupCommitStatistics
let writeRate = try await measureWrites(kv, tag: "w", writers: 16)
// PostgreSQL's group commit during the 16 writers: commits per transaction and transaction time.
var groupCommit = ""
if let before, let after = postgres?.groupCommitStatistics {
    let txns = after.transactions - before.transactions
    let batch = txns == 0 ? 0 : Double(after.commits - before.commits) / Double(txns)
    let ms = txns == 0 ? 0 : Double(after.transactionNanoseconds - before.transactionNanoseconds) / Double(txns) / 1e6
    groupCommit = ", \"write16_txns\": \(txns), \"write16_batch\": \(batch), \"write16_txn_ms\": \(ms), \"write16_largest\": \(after.largestBatch)"
}

// list of 1000 keys.
let fill = kv.atomic()
for i in 0..<1000 { fill.set(["list", .number(Double(i))], ["i": .number(Double(i))]) }
_ = try await fill.commit()
var lists = 0
t0 = now()
while now() - t0 < duration("list1000") {
    let r = try await kv.list(.prefix(["list"]), options: .init(batchSize: 1000)).collect()
    if r.entries.count != 1000 { fatalError("list returned \(r.entries.count)") }
    lists += 1
}
let listRate = Double(lists) / (now() - t0)

let write256Rate = try await measureWrites(kv, tag: "w256", writers: 256)

// Sequential durable check-and-set.
try await kv.set(["cas"], 0)
var cas = 0
t0 = now()
while now() - t0 < duration("cas") {
    let e = try await kv.get(["cas"])
    guard case .number(let n)? = e.value else { fatalError() }
    let r = try await kv.atomic().check(["cas"], versionstamp: e.versionstamp).set(["cas"], .number(n + 1)).commit()
    if !r.ok { fatalError("cas failed") }
    cas += 1
}
let casRate = Double(cas) / (now() - t0)
kv.close()
print("{\"get\": \(getRate), \"write16\": \(writeRate), \"list1000\": \(listRate), \"cas\": \(casRate), \"write1\": \(write1Rate), \"write256\": \(write256Rate)\(groupCommit)}")

import EdgeJSON
import KV
import KVLMDB
#if canImport(Glibc)
import Glibc
#endif

/// Runs one request of the conformance kit's `--cmd` protocol on a fresh store: LMDB in a
/// temporary directory (removed afterwards) or memory.
final class ConformanceRunner {
    let store: ConformanceStore
    /// The LMDB data directory (nil for memory).
    let dir: String?
    var kv: Kv
    var saved: [String: JSONValue] = [:]

    init(store: ConformanceStore) async throws {
        self.store = store
        if store == .lmdb {
            var template = Array("/tmp/kv-conformance-XXXXXX".utf8CString)
            guard let p = mkdtemp(&template) else { throw KvError(.io, "mkdtemp failed") }
            dir = String(cString: p)
        } else {
            dir = nil
        }
        kv = try await store.open(dir: dir)
    }

    func finish() {
        kv.close()
        guard let dir else { return }
        for f in ["data.mdb", "lock.mdb"] { unlink(dir + "/" + f) }
        rmdir(dir)
    }

    func run(_ ops: [JSONValue]) async -> [JSONValue] {
        var results: [JSONValue] = []
        for op in ops {
            let name = op["op"]?.stringValue ?? "?"
            do {
                let r = try await runOp(op)
                results.append(.object([("op", .string(name)), ("result", r)]))
                if let alias = op["as"]?.stringValue, case .object = r { saved[alias] = r }
            } catch let e as KvError {
                results.append(.object([("op", .string(name)), ("error", .object([
                    ("class", .string(e.jsClass)), ("message", .string(e.message)),
                ]))]))
            } catch {
                results.append(.object([("op", .string(name)), ("error", .object([
                    ("class", .string("Error")), ("message", .string("\(error)")),
                ]))]))
            }
        }
        return results
    }

    func ref(_ j: JSONValue?, field: String) -> JSONValue? {
        guard let j else { return nil }
        if case .string(let s) = j, s.hasPrefix("$") { return saved[String(s.dropFirst())]?[field] ?? .null }
        return j
    }

    static func expireIn(_ j: JSONValue?) throws(KvError) -> Int? {
        guard let j else { return nil }
        guard case .number(let d) = j, d >= 0, d == d.rounded(), d <= 9_007_199_254_740_991 else {
            let shown: String
            switch j { case .number(let d): shown = JSONValue.format(d); case .null: shown = "null"; default: shown = j.text }
            throw KvError(.invalidExpireIn, "expireIn must be a non-negative integer: received \(shown)")
        }
        return Int(d)
    }

    static func u64(_ j: JSONValue?) throws(KvError) -> KvBigInt {
        guard let s = j?.stringValue, let n = KvBigInt(s) else { throw KvError(.u64Invalid, "Value must be a bigint: received \(j?.text ?? "undefined")") }
        return n
    }

    static func queueOptions(_ j: JSONValue?) throws(KvError) -> KvQueueOptions {
        guard let j, case .object = j else { return .init() }
        var o = KvQueueOptions()
        if let d = j["delay"] {
            switch d {
            case .number(let x): o.delay = x
            case .object: o.delay = (try? TaggedJSON.value(d)).flatMap { if case .number(let x) = $0 { return x } else { return nil } }
            default: break
            }
        }
        if let keys = j["keysIfUndelivered"]?.arrayValue { o.keysIfUndelivered = try keys.map { (k) throws(KvError) in try TaggedJSON.key(k) } }
        if let b = j["backoffSchedule"]?.arrayValue { o.backoffSchedule = b.map { $0.numberValue ?? .nan } }
        return o
    }

    func runOp(_ op: JSONValue) async throws -> JSONValue {
        switch op["op"]?.stringValue ?? "" {
        case "set":
            let key = try TaggedJSON.key(op["key"])
            let value = try TaggedJSON.value(op["value"] ?? .null)
            let r = try await kv.set(key, value, expireIn: try Self.expireIn(op["expireIn"]))
            return .object([("ok", .bool(true)), ("versionstamp", .string(r.versionstamp!.hex))])
        case "get":
            return TaggedJSON.entry(try await kv.get(try TaggedJSON.key(op["key"])))
        case "getMany":
            let keys = try (op["keys"]?.arrayValue ?? []).map { (k) throws(KvError) in try TaggedJSON.key(k) }
            return .array(try await kv.getMany(keys).map(TaggedJSON.entry))
        case "delete":
            try await kv.delete(try TaggedJSON.key(op["key"]))
            return .null
        case "list": return try await list(op)
        case "atomic": return try await atomic(op)
        case "enqueue":
            let o = try Self.queueOptions(op["options"])
            let r = try await kv.enqueue(try TaggedJSON.value(op["value"] ?? .null), options: o)
            return .object([("ok", .bool(true)), ("versionstamp", .string(r.versionstamp!.hex))])
        case "listenQueue": return try await listenQueue(op)
        case "watchInitial":
            let keys = try (op["keys"]?.arrayValue ?? []).map { (k) throws(KvError) in try TaggedJSON.key(k) }
            for try await first in try kv.watch(keys) { return .array(first.map(TaggedJSON.entry)) }
            return .array([])
        case "sleep":
            try await Task.sleep(nanoseconds: UInt64(max(0, op["ms"]?.numberValue ?? 0) * 1_000_000))
            return .null
        case "reopen":
            kv = try await store.reopen(kv, dir: dir)
            return .null
        case let other:
            throw KvError(.invalidInput, "unknown op \(other)", jsClass: "Error")
        }
    }

    func list(_ op: JSONValue) async throws -> JSONValue {
        let sel = op["selector"] ?? .object([])
        let selector = try KvListSelector(prefix: try sel["prefix"].map { (k) throws(KvError) in try TaggedJSON.key(k) },
                                          start: try sel["start"].map { (k) throws(KvError) in try TaggedJSON.key(k) },
                                          end: try sel["end"].map { (k) throws(KvError) in try TaggedJSON.key(k) })
        let o = op["options"] ?? .object([])
        var options = KvListOptions()
        func positiveInt(_ j: JSONValue?, _ code: KvError.Code, _ name: String) throws(KvError) -> Int? {
            guard let j else { return nil }
            guard case .number(let d) = j, d > 0, d == d.rounded(), d < 1e15 else {
                let shown: String
                if case .number(let d) = j { shown = JSONValue.format(d) } else { shown = j.text }
                throw KvError(code, "\(name) must be a positive integer: received \(shown)", jsClass: "Error")
            }
            return Int(d)
        }
        options.limit = try positiveInt(o["limit"], .invalidLimit, "Limit")
        options.batchSize = try positiveInt(o["batchSize"], .invalidBatchSize, "batchSize")
        options.reverse = o["reverse"]?.boolValue ?? false
        if let c = ref(o["cursor"], field: "cursor") { options.cursor = c.stringValue }
        let seq = try kv.list(selector, options: options)
        let (entries, cursor) = try await seq.collect()
        return .object([("entries", .array(entries.map(TaggedJSON.entry))), ("cursor", .string(cursor))])
    }

    func atomic(_ op: JSONValue) async throws -> JSONValue {
        let a = kv.atomic()
        for c in op["checks"]?.arrayValue ?? [] {
            let key = try TaggedJSON.key(c["key"])
            let vs = ref(c["versionstamp"], field: "versionstamp")
            a.check(key, versionstampHex: vs?.stringValue)
        }
        for m in op["mutations"]?.arrayValue ?? [] {
            switch m["type"]?.stringValue ?? "" {
            case "set":
                a.set(try TaggedJSON.key(m["key"]), try TaggedJSON.value(m["value"] ?? .null), expireIn: try Self.expireIn(m["expireIn"]))
            case "delete": a.delete(try TaggedJSON.key(m["key"]))
            case "sum": a.sum(try TaggedJSON.key(m["key"]), bigint: try Self.u64(m["n"]))
            case "min": a.min(try TaggedJSON.key(m["key"]), bigint: try Self.u64(m["n"]))
            case "max": a.max(try TaggedJSON.key(m["key"]), bigint: try Self.u64(m["n"]))
            case "setVersionstampedKey": a.setVersionstampedKey(try TaggedJSON.key(m["key"]), try TaggedJSON.value(m["value"] ?? .null))
            case "enqueue": a.enqueue(try TaggedJSON.value(m["value"] ?? .null), options: try Self.queueOptions(m["options"]))
            case "mutate":
                let raw = m["mutation"] ?? .object([])
                a.mutate(type: raw["type"]?.stringValue ?? "", key: try TaggedJSON.key(raw["key"]),
                         value: try raw["value"].map { (v) throws(KvError) in try TaggedJSON.value(v) },
                         expireIn: try Self.expireIn(raw["expireIn"]))
            case let t: throw KvError(.invalidInput, "unknown mutation type \(t)", jsClass: "Error")
            }
        }
        switch try await a.commit() {
        case .ok(let vs): return .object([("ok", .bool(true)), ("versionstamp", .string(vs.hex))])
        case .failed: return .object([("ok", .bool(false))])
        }
    }

    func listenQueue(_ op: JSONValue) async throws -> JSONValue {
        let fail = op["behavior"]?.stringValue == "fail"
        let waitMs = op["waitMs"]?.numberValue ?? 1000
        let delivered = Delivered()
        let kv = self.kv
        let listener = Task {
            try await kv.listenQueue { value in
                delivered.append(TaggedJSON.encode(value))
                if fail { throw KvError(.invalidInput, "conformance: induced handler failure", jsClass: "Error") }
            }
        }
        try await Task.sleep(nanoseconds: UInt64(waitMs * 1_000_000))
        listener.cancel()
        _ = await listener.result
        self.kv = try await store.reopen(self.kv, dir: dir)
        let items = delivered.items.sorted { Array($0.text.utf16).lexicographicallyPrecedes(Array($1.text.utf16)) }
        return .object([("delivered", .array(items))])
    }
}

final class Delivered: @unchecked Sendable {
    private let lock = NSLockLite()
    private var values: [JSONValue] = []
    func append(_ v: JSONValue) { lock.with { values.append(v) } }
    var items: [JSONValue] { lock.with { values } }
}

final class NSLockLite: @unchecked Sendable {
    private var m = pthread_mutex_t()
    init() { pthread_mutex_init(&m, nil) }
    func with<R>(_ body: () -> R) -> R {
        pthread_mutex_lock(&m)
        defer { pthread_mutex_unlock(&m) }
        return body()
    }
}

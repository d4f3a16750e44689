import EdgeJSON
public import KV
import KVLMDB
import KVPostgres
#if canImport(Glibc)
import Glibc
#endif

/// `edge kv …`: operate on a KV data directory from the command line.
///
/// The `edge` command line (swift-argument-parser, in the CLI module) parses and validates the
/// arguments and hands over one typed ``Operation``; this module runs it. Keys are JSON arrays
/// (`'["prompts","by_id",1]'`; numbers are Deno numbers; use `{"$bigint":"1"}` or the kv-utils
/// form `{"type":"bigint","value":"1"}` for other part types). Values are JSON (`set`), stored as
/// structured values. Entries print as JSON lines in the `@deno/kv-utils` form, as `export` does.
///
/// Read-only operations (`get`, `list`, `count`, `export`, `backup`) never create a data directory:
/// on a path that holds no store they fail with exit status 1 and leave the file system as it was.
///
/// The store is PostgreSQL when the caller passes a `postgres://` URL (`KV_URL`, as for `edge serve`);
/// there `backup` and `restore` are refused (use `export`/`import`, or `pg_dump`).
public enum KVCommand {
    /// One `edge kv` operation with its already-validated operands.
    public enum Operation: Sendable {
        case get(key: String)
        case set(key: String, value: String, expireIn: Int?)
        case delete(key: String)
        case list(prefix: String?, limit: Int?, reverse: Bool, keysOnly: Bool)
        case count(prefix: String?)
        case export(file: String?)
        case importLines(file: String, continueOnError: Bool)
        case backup(directory: String)
        case restore(directory: String)

        /// True for the operations that only read the store.
        public var isReadOnly: Bool {
            switch self {
            case .get, .list, .count, .export, .backup: return true
            case .set, .delete, .importLines, .restore: return false
            }
        }
    }

    /// True when `path` holds an LMDB store (its `data.mdb` exists).
    public static func storeExists(at path: String) -> Bool {
        var st = stat()
        return stat(path + "/data.mdb", &st) == 0
    }

    /// Runs `operation` on the LMDB store at `path`, or on PostgreSQL at `postgresURL` when given; the
    /// exit status (0 done, 1 failed or not found).
    public static func perform(_ operation: Operation, path: String, postgresURL: String? = nil) async -> Int32 {
        do {
            if let postgresURL {
                switch operation {
                case .backup, .restore:
                    return fail("backup and restore work on the LMDB store only; with KV_URL=postgres://… use `edge kv export`/`import`, or pg_dump")
                default:
                    let store = try await PostgresKvStore(url: postgresURL)
                    defer { store.close() }
                    return try await run(operation, kv: Kv(store: store), store: nil)
                }
            }
            if case .restore(let dir) = operation {
                let kept = try LMDBStore.restore(from: dir, to: path)
                printErr("restored \(path) from \(dir)" + (kept.map { "; the previous database is kept at \($0)" } ?? "") + "\n")
                return 0
            }
            if operation.isReadOnly, !storeExists(at: path) {
                return fail("no KV store at \(path) (nothing was created; set the data directory with --data DIR, KV_PATH or kv.path in vercel-like.json)")
            }
            let store = try LMDBStore(path: path)
            defer { store.close() }
            let kv = Kv(store: store)
            return try await run(operation, kv: kv, store: store)
        } catch let e as KvError {
            return fail(e.message)
        } catch {
            return fail("\(error)")
        }
    }

    static func run(_ operation: Operation, kv: Kv, store: LMDBStore?) async throws -> Int32 {
        switch operation {
        case .get(let key):
            let e = try await kv.get(try parseKey(key))
            guard e.versionstamp != nil else { printErr("not found\n"); return 1 }
            printOut(line(e))
        case .set(let key, let text, let expireIn):
            let value = KvValue(plainJSON: try JSONValue.parseKv(text))
            let r = try await kv.set(try parseKey(key), value, expireIn: expireIn)
            printOut(JSONValue.object([("ok", .bool(true)), ("versionstamp", .string(r.versionstamp?.hex ?? ""))]).text)
        case .delete(let key):
            try await kv.delete(try parseKey(key))
        case .list(let prefixText, let limit, let reverse, let keysOnly):
            let prefix = try prefixText.map(parseKey) ?? []
            let options = KvListOptions(limit: limit, reverse: reverse, batchSize: 1000, keysOnly: keysOnly)
            let it = try kv.list(.prefix(prefix), options: options).makeAsyncIterator()
            while let e = try it.nextSync() {
                printOut(options.keysOnly ? KvUtilsJSON.key(e.key).text : line(e))
            }
        case .count(let prefix):
            printOut(String(try kv.count(.prefix(try prefix.map(parseKey) ?? []))))
        case .export(let file):
            let fd: Int32
            if let file, file != "-" {
                fd = Glibc.open(file, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                guard fd >= 0 else { return fail("cannot create \(file)") }
            } else { fd = 1 }
            defer { if fd != 1 { Glibc.close(fd) } }
            let n = try kv.exportJSONLines(progress: { printErr("exported \($0) entries…\n") }) { writeAll(fd, $0 + "\n") }
            printErr("exported \(n) entries\n")
        case .importLines(let file, let continueOnError):
            return try await importLines(from: file, skippingBad: continueOnError, kv: kv)
        case .backup(let dir):
            guard let store else { return fail("backup works on the LMDB store only") }
            try store.backup(to: dir)
            printErr("backup written to \(dir)\n")
        case .restore:
            return 2  // handled before the store is opened
        }
        return 0
    }

    /// Parses a key given as a JSON array on the command line.
    public static func parseKey(_ text: String) throws -> KvKey {
        guard case .array(let parts) = try JSONValue.parseKv(text) else { throw KvError(.invalidInput, "a key must be a JSON array, e.g. '[\"users\",1]'") }
        var key: KvKey = []
        for p in parts {
            switch p {
            case .string(let s): key.append(.string(s))
            case .number(let d): key.append(.number(d))
            case .bool(let b): key.append(.bool(b))
            case .object(let m) where m.count == 1 && m[0].0 == "$bigint":
                guard let n = m[0].1.stringValue.flatMap(KvBigInt.init) else { throw KvError(.invalidInput, "bad $bigint") }
                key.append(.bigint(n))
            case .object:
                key.append(contentsOf: try KvUtilsJSON.parseKey(.array([p])))
            default: throw KvError(.invalidInput, "unsupported key part \(p.text)")
            }
        }
        return key
    }

    static func line(_ e: KvEntry) -> String {
        JSONValue.object([("key", KvUtilsJSON.key(e.key)), ("value", KvUtilsJSON.value(e.value ?? .null)),
                       ("versionstamp", .string(e.versionstamp?.hex ?? ""))]).text
    }

    static func writeAll(_ fd: Int32, _ s: String) {
        let b = Array(s.utf8)
        var off = 0
        while off < b.count {
            let n = b[off...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n <= 0 { return }
            off += n
        }
    }

    static func printOut(_ s: String) { writeAll(1, s + "\n") }
    static func printErr(_ s: String) { writeAll(2, s) }
    static func fail(_ message: String) -> Int32 {
        printErr("edge kv: \(message)\n")
        return 1
    }
}

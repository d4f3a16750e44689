import EdgeJSON
public import KV
import KVLMDB
import KVPostgres
#if canImport(Glibc)
import Glibc
#endif

/// `edge kv …`: operate on a KV data directory from the command line.
///
/// The store is PostgreSQL when `$KV_URL` is `postgres://…` and no `--path` is given (as for
/// `edge serve`); otherwise the
/// LMDB data directory `--path DIR`, else `$KV_PATH`, else `./.data/kv`. On PostgreSQL, `backup`
/// and `restore` are refused (use `export`/`import`, or `pg_dump`). Keys are JSON arrays
/// (`'["prompts","by_id",1]'`; numbers are Deno numbers; use `{"$bigint":"1"}` or the kv-utils
/// form `{"type":"bigint","value":"1"}` for other part types). Values are JSON (`set`), stored as
/// structured values. Entries print as JSON lines in the `@deno/kv-utils` form, as `export` does.
public enum KVCommand {
    public static let usage = """
        usage: edge kv <command> [--path DIR] ...
          get KEY                          print the entry (kv-utils JSON line) or exit 1 if missing
          set KEY JSON [--expire-in MS]    set a value
          delete KEY                       delete a key
          list [PREFIX] [--limit N] [--reverse] [--keys-only]
          count [PREFIX]                   count keys under a prefix (default: all)
          export [FILE]                    write all entries as JSON lines (default: stdout)
          import FILE [--continue]         read JSON lines (- for stdin), streamed: all validated first, and
                                           a bad line aborts naming it with nothing written (--continue:
                                           skip bad lines, reporting each, and import the rest)
          backup DIR                       consistent compacted snapshot (safe while serving)
          restore DIR                      replace the database with a backup (refused while a server has it open)
        data directory: --path DIR, else $KV_PATH, else ./.data/kv; KV_URL=postgres://… selects PostgreSQL
          (backup/restore are LMDB-only there: use export/import, or pg_dump)
        """

    public static func run(_ args: [String]) async -> Int32 {
        var rest: [String] = []
        var path = getenv("KV_PATH").map { String(cString: $0) } ?? "./.data/kv"
        var flags: [String: String] = [:]
        var pathGiven = false
        var i = 0
        while i < args.count {
            let a = args[i]
            if a == "--path" || a == "--limit" || a == "--expire-in" {
                guard i + 1 < args.count else { return fail("\(a) needs a value") }
                if a == "--path" { path = args[i + 1]; pathGiven = true } else { flags[a] = args[i + 1] }
                i += 2
            } else if a == "--reverse" || a == "--keys-only" || a == "--continue" {
                flags[a] = "1"
                i += 1
            } else if a == "-h" || a == "--help" {
                printErr(usage + "\n")
                return 0
            } else {
                rest.append(a)
                i += 1
            }
        }
        guard let command = rest.first else { printErr(usage + "\n"); return 2 }
        let operands = Array(rest.dropFirst())
        let pgURL = getenv("KV_URL").map { String(cString: $0) }.flatMap { PostgresKvURL.isPostgres($0) && !pathGiven ? $0 : nil }
        do {
            if let pgURL {
                if command == "backup" || command == "restore" {
                    return fail("\(command) works on the LMDB store only; with KV_URL=postgres://… use `edge kv export`/`import`, or pg_dump")
                }
                guard ["get", "set", "delete", "list", "count", "export", "import"].contains(command) else {
                    printErr("unknown command \(command)\n" + usage + "\n")
                    return 2
                }
                let store = try await PostgresKvStore(url: pgURL)
                defer { store.close() }
                return try await run(command, operands, flags, kv: Kv(store: store), store: nil)
            }
            switch command {
            case "restore":
                guard let dir = operands.first else { return fail("restore needs a backup directory") }
                let kept = try LMDBStore.restore(from: dir, to: path)
                printErr("restored \(path) from \(dir)" + (kept.map { "; the previous database is kept at \($0)" } ?? "") + "\n")
                return 0
            case "get", "set", "delete", "list", "count", "export", "import", "backup":
                break
            default:
                printErr("unknown command \(command)\n" + usage + "\n")
                return 2
            }
            let store = try LMDBStore(path: path)
            defer { store.close() }
            let kv = Kv(store: store)
            return try await run(command, operands, flags, kv: kv, store: store)
        } catch let e as KvError {
            return fail(e.message)
        } catch {
            return fail("\(error)")
        }
    }

    static func run(_ command: String, _ ops: [String], _ flags: [String: String], kv: Kv, store: LMDBStore?) async throws -> Int32 {
        switch command {
        case "get":
            guard ops.count == 1 else { return fail("get needs KEY") }
            let e = try await kv.get(try parseKey(ops[0]))
            guard e.versionstamp != nil else { printErr("not found\n"); return 1 }
            printOut(line(e))
        case "set":
            guard ops.count == 2 else { return fail("set needs KEY and JSON value") }
            let value = KvValue(plainJSON: try JSONValue.parseKv(ops[1]))
            let expire = flags["--expire-in"].flatMap { Int($0) }
            let r = try await kv.set(try parseKey(ops[0]), value, expireIn: expire)
            printOut(JSONValue.object([("ok", .bool(true)), ("versionstamp", .string(r.versionstamp?.hex ?? ""))]).text)
        case "delete":
            guard ops.count == 1 else { return fail("delete needs KEY") }
            try await kv.delete(try parseKey(ops[0]))
        case "list":
            let prefix = try ops.first.map(parseKey) ?? []
            let options = KvListOptions(limit: flags["--limit"].flatMap { Int($0) }, reverse: flags["--reverse"] != nil,
                                        batchSize: 1000, keysOnly: flags["--keys-only"] != nil)
            let it = try kv.list(.prefix(prefix), options: options).makeAsyncIterator()
            while let e = try it.nextSync() {
                printOut(options.keysOnly ? KvUtilsJSON.key(e.key).text : line(e))
            }
        case "count":
            printOut(String(try kv.count(.prefix(try ops.first.map(parseKey) ?? []))))
        case "export":
            let fd: Int32
            if let file = ops.first, file != "-" {
                fd = Glibc.open(file, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                guard fd >= 0 else { return fail("cannot create \(file)") }
            } else { fd = 1 }
            defer { if fd != 1 { Glibc.close(fd) } }
            let n = try kv.exportJSONLines(progress: { printErr("exported \($0) entries…\n") }) { writeAll(fd, $0 + "\n") }
            printErr("exported \(n) entries\n")
        case "import":
            guard let file = ops.first else { return fail("import needs FILE (or - for stdin)") }
            return try await importLines(from: file, skippingBad: flags["--continue"] != nil, kv: kv)
        case "backup":
            guard let dir = ops.first else { return fail("backup needs DIR") }
            guard let store else { return fail("backup works on the LMDB store only") }
            try store.backup(to: dir)
            printErr("backup written to \(dir)\n")
        default:
            return 2
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

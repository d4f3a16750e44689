import EdgeJSON
/// Export / import as JSON lines in the `@deno/kv-utils` JSON form (see `KvUtilsJSON`).
extension Kv {
    /// Writes every live entry the selector covers (default: everything) as one JSON line each,
    /// in key order. Each batch of 1000 entries is a separate snapshot. Returns the count.
    @discardableResult
    public func exportJSONLines(_ selector: KvListSelector = .prefix([]), progress: ((Int) -> Void)? = nil,
                                write: (String) throws -> Void) throws -> Int {
        let seq = try list(selector, options: KvListOptions(batchSize: 1000))
        let it = seq.makeAsyncIterator()
        var n = 0
        while let e = try it.nextSync() {
            let line = JSONValue.object([
                ("key", KvUtilsJSON.key(e.key)),
                ("value", KvUtilsJSON.value(try e.stored?.decode() ?? .null)),
                ("versionstamp", .string(e.versionstamp?.hex ?? "")),
            ])
            try write(line.text)
            n += 1
            if n % 10_000 == 0 { progress?(n) }
        }
        return n
    }

    /// Parses JSON lines into (key, value) pairs, validating every line first: a malformed line,
    /// an invalid key or an oversize value throws `invalidInput` naming the line, and nothing is
    /// written. Blank lines are skipped.
    public static func parseJSONLines(_ lines: some Sequence<Substring>) throws(KvError) -> [(KvKey, KvValue)] {
        var out: [(KvKey, KvValue)] = []
        for (i, raw) in lines.enumerated() {
            do {
                if let entry = try parseJSONLine(Array(raw.utf8)) { out.append(entry) }
            } catch {
                throw KvError(.invalidInput, "line \(i + 1): \(error.message)")
            }
        }
        return out
    }

    /// One line of an export (without its line break; a trailing CR is ignored): the entry, or nil for
    /// a blank line. Throws `invalidInput` for malformed JSON, a missing key or value, an invalid key,
    /// or a key or value over the limits.
    public static func parseJSONLine(_ bytes: [UInt8]) throws(KvError) -> (KvKey, KvValue)? {
        var line = bytes[...]
        while line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { return nil }
        let j = try JSONValue.parseKv(line)
        guard let k = j["key"], let v = j["value"] else { throw KvError(.invalidInput, "needs key and value") }
        let key = try KvUtilsJSON.parseKey(k)
        let value = try KvUtilsJSON.parseValue(v)
        _ = try KvAtomicOperation().set(key, value).prepare(nowMs: 0)
        return (key, value)
    }

    /// Imports parsed entries in commits of up to 1000 (new versionstamps are assigned). Returns the count.
    @discardableResult
    public func importEntries(_ entries: [(KvKey, KvValue)], progress: ((Int) -> Void)? = nil) async throws(KvError) -> Int {
        var i = 0
        while i < entries.count {
            let op = atomic()
            var size = 0
            var n = 0
            while i + n < entries.count, n < 1000 {
                let (k, v) = entries[i + n]
                let est = (try KeyCodec.encode(k)).count * 2 + KvStoredValue(v).bytes.count
                if n > 0 && size + est > KvLimits.maxTotalMutationBytes - 1024 { break }
                size += est
                op.set(k, v)
                n += 1
            }
            _ = try await op.commit()
            i += n
            progress?(i)
        }
        return entries.count
    }
}

package import EdgeJSON
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
            let line = raw.trimmingSuffix(while: { $0 == "\r" })
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            do {
                let j = try JSONValue.parseKv(Array(line.utf8))
                guard let k = j["key"], let v = j["value"] else { throw KvError(.invalidInput, "needs key and value") }
                let key = try KvUtilsJSON.parseKey(k)
                let value = try KvUtilsJSON.parseValue(v)
                let op = KvAtomicOperation().set(key, value)
                _ = try op.prepare(nowMs: 0)
                out.append((key, value))
            } catch {
                throw KvError(.invalidInput, "line \(i + 1): \((error as? KvError)?.message ?? "\(error)")")
            }
        }
        return out
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

extension Substring {
    func trimmingSuffix(while pred: (Character) -> Bool) -> Substring {
        var s = self
        while let l = s.last, pred(l) { s.removeLast() }
        return s
    }
}

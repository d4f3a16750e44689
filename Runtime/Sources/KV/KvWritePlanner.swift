/// A key's stored state: value, the versionstamp of the commit that wrote it, and its expiry.
package struct KvStoredRecord: Sendable, Equatable {
    public var value: KvStoredValue
    public var versionstamp: Versionstamp
    /// Absolute expiry (ms since the Unix epoch), nil for none.
    public var expireAt: Int64?

    public init(value: KvStoredValue, versionstamp: Versionstamp, expireAt: Int64?) {
        self.value = value
        self.versionstamp = versionstamp
        self.expireAt = expireAt
    }

    /// Strict expiry: a record is invisible from the instant `expireAt` is reached.
    public func isExpired(nowMs: Int64) -> Bool { expireAt.map { $0 <= nowMs } ?? false }
}

/// One physical effect of a planned commit: write `record` at `key`, or delete `key` (record nil).
package struct KvWrite: Sendable {
    public var key: [UInt8]
    public var record: KvStoredRecord?
}

/// Evaluates an atomic commit against a store's current state, without writing anything.
///
/// Stores call this inside their write transaction and then apply the returned writes, so a
/// commit that throws (type mismatch) or fails a check leaves no trace: all validation happens
/// before the first write. Expired records are treated as absent (strict expiry).
package enum KvWritePlanner {
    public enum Outcome: Sendable {
        case checkFailed
        case writes([KvWrite])
    }

    public static func plan(
        _ request: KvCommitRequest, versionstamp: Versionstamp, nowMs: Int64,
        read: ([UInt8]) throws(KvError) -> KvStoredRecord?
    ) throws(KvError) -> Outcome {
        func live(_ key: [UInt8]) throws(KvError) -> KvStoredRecord? {
            guard let r = try read(key), !r.isExpired(nowMs: nowMs) else { return nil }
            return r
        }
        for c in request.checks where try live(c.key)?.versionstamp != c.versionstamp {
            return .checkFailed
        }
        // The commit's writes so far, in first-write order, found by comparison or, in long commits, by index.
        var order: [[UInt8]] = []
        var records: [KvStoredRecord?] = []
        var index: [[UInt8]: Int]? = request.mutations.count > KvLimits.plannerLinearScanMutations ? [:] : nil
        func slot(_ key: [UInt8]) -> Int? { index != nil ? index?[key] : order.firstIndex(of: key) }
        func current(_ key: [UInt8]) throws(KvError) -> KvStoredRecord? {
            if let i = slot(key) { return records[i] }
            return try live(key)
        }
        func put(_ key: [UInt8], _ r: KvStoredRecord?) {
            if let i = slot(key) { records[i] = r; return }
            index?[key] = order.count
            order.append(key)
            records.append(r)
        }
        for m in request.mutations {
            switch m.kind {
            case .set(let v):
                put(m.key, KvStoredRecord(value: v, versionstamp: versionstamp, expireAt: m.expireAt))
            case .setVersionstampedKey(let v):
                var key = m.key
                try KeyCodec.append(.string(versionstamp.hex), to: &key)
                put(key, KvStoredRecord(value: v, versionstamp: versionstamp, expireAt: m.expireAt))
            case .delete:
                put(m.key, nil)
            case .sum(let n), .min(let n), .max(let n):
                let name: String
                switch m.kind { case .sum: name = "sum"; case .min: name = "min"; default: name = "max" }
                var result = n
                if let old = try current(m.key) {
                    guard let o = old.value.u64 else {
                        throw KvError(.typeMismatchDb, "Failed to perform '\(name)' mutation on a non-U64 value in the database")
                    }
                    switch m.kind {
                    case .sum: result = KvU64(o.value &+ n.value)
                    case .min: result = Swift.min(o, n)
                    default: result = Swift.max(o, n)
                    }
                }
                put(m.key, KvStoredRecord(value: KvStoredValue(u64: result), versionstamp: versionstamp, expireAt: nil))
            }
        }
        return .writes(zip(order, records).map { KvWrite(key: $0, record: $1) })
    }
}

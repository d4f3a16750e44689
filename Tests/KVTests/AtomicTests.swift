import Testing
@testable import KV

/// Planner and validation tests against a dictionary "store".
@Suite struct AtomicTests {
    var db: [[UInt8]: KvStoredRecord] = [:]

    func plan(_ op: KvAtomicOperation, vs: UInt64 = 10, now: Int64 = 1000) throws -> KvWritePlanner.Outcome {
        let req = try op.prepare(nowMs: now)
        let snapshot = db
        return try KvWritePlanner.plan(req, versionstamp: Versionstamp(counter: vs), nowMs: now) { k in snapshot[k] }
    }

    mutating func apply(_ outcome: KvWritePlanner.Outcome) {
        guard case .writes(let w) = outcome else { return }
        for x in w { db[x.key] = x.record }
    }

    @Test mutating func sumMinMaxAndWraparound() throws {
        apply(try plan(KvAtomicOperation().sum(["c"], KvU64(UInt64.max)).sum(["c"], 2)))
        #expect(db[try KeyCodec.encode(["c"])]?.value.u64 == KvU64(1))
        apply(try plan(KvAtomicOperation().min(["c"], 0).max(["m"], 7)))
        #expect(db[try KeyCodec.encode(["c"])]?.value.u64 == KvU64(0))
        #expect(db[try KeyCodec.encode(["m"])]?.value.u64 == KvU64(7))
    }

    @Test mutating func typeMismatchWritesNothing() throws {
        apply(try plan(KvAtomicOperation().set(["s"], "text")))
        #expect(throws: KvError(.typeMismatchDb, "Failed to perform 'sum' mutation on a non-U64 value in the database")) {
            _ = try plan(KvAtomicOperation().set(["side"], 1).sum(["s"], 1))
        }
    }

    @Test mutating func checksAndOrder() throws {
        apply(try plan(KvAtomicOperation().set(["a"], 1), vs: 5))
        #expect(try plan(KvAtomicOperation().check(["a"], versionstamp: nil).set(["a"], 2)).isCheckFailed)
        #expect(try !plan(KvAtomicOperation().check(["a"], versionstamp: Versionstamp(counter: 5)).set(["a"], 2)).isCheckFailed)
        #expect(try !plan(KvAtomicOperation().check(["a"], versionstampHex: "00000000000000050000".uppercased())).isCheckFailed)
        apply(try plan(KvAtomicOperation().set(["x"], 1).delete(["x"])))
        #expect(db[try KeyCodec.encode(["x"])] == nil)
    }

    /// Short commits find a key's earlier write by comparison, long ones by index: both plan alike (last
    /// write wins, sums accumulate, first-write order kept).
    @Test(arguments: [3, KvLimits.plannerLinearScanMutations, KvLimits.plannerLinearScanMutations + 1, 200])
    func repeatedKeysPlanAlikeInShortAndLongCommits(keys: Int) throws {
        let op = KvAtomicOperation()
        for round in 0..<3 {
            for i in 0..<keys {
                if i % 3 == 0 { op.sum(["n", .number(Double(i % 5))], KvU64(UInt64(round + 1))) }
                else if i % 3 == 1 { op.set(["s", .number(Double(i % 7))], .number(Double(round))) }
                else { op.delete(["s", .number(Double(i % 7))]) }
            }
        }
        guard case .writes(let writes) = try plan(op) else { Issue.record("check failed"); return }
        var expected: [[UInt8]: KvStoredRecord?] = [:]
        var order: [[UInt8]] = []
        let req = try op.prepare(nowMs: 1000)
        for m in req.mutations {
            if expected[m.key] == nil { order.append(m.key) }
            switch m.kind {
            case .sum(let n):
                let old = expected[m.key]??.value.u64?.value ?? 0
                expected[m.key] = .some(KvStoredRecord(value: KvStoredValue(u64: KvU64(old &+ n.value)), versionstamp: Versionstamp(counter: 10), expireAt: nil))
            case .set(let v): expected[m.key] = .some(KvStoredRecord(value: v, versionstamp: Versionstamp(counter: 10), expireAt: m.expireAt))
            case .delete: expected[m.key] = .some(nil)
            default: Issue.record("unexpected mutation")
            }
        }
        #expect(writes.map(\.key) == order)
        for w in writes { #expect(w.record == expected[w.key] ?? nil) }
    }

    @Test mutating func expiredRecordsAreAbsent() throws {
        apply(try plan(KvAtomicOperation().set(["n"], "v", expireIn: 10), now: 1000))
        #expect(try plan(KvAtomicOperation().check(["n"], versionstamp: nil), now: 1009).isCheckFailed)
        #expect(try !plan(KvAtomicOperation().check(["n"], versionstamp: nil), now: 1010).isCheckFailed)
    }

    @Test func limits() throws {
        let tooManyChecks = KvAtomicOperation()
        for i in 0...KvLimits.maxChecks { tooManyChecks.check(["k", .number(Double(i))], versionstamp: nil) }
        #expect(throws: KvError(.tooManyChecks, "Too many checks (max 100)")) { try tooManyChecks.prepare(nowMs: 0) }
        let tooMany = KvAtomicOperation()
        for i in 0...KvLimits.maxMutations { tooMany.set(["k", .number(Double(i))], 1) }
        #expect(throws: KvError(.tooManyMutations, "Too many mutations (max 1000)")) { try tooMany.prepare(nowMs: 0) }
        #expect(throws: KvError(.keyTooLargeWrite, "Key too large for write (max 2048 bytes)")) {
            try KvAtomicOperation().set([.string(String(repeating: "x", count: 2047))], 1).prepare(nowMs: 0)
        }
        _ = try KvAtomicOperation().set([.string(String(repeating: "x", count: 2046))], 1).prepare(nowMs: 0)
        #expect(throws: KvError(.valueTooLarge, "Value too large (max 65536 bytes)")) {
            try KvAtomicOperation().set(["v"], .bytes([UInt8](repeating: 1, count: 65537))).prepare(nowMs: 0)
        }
        _ = try KvAtomicOperation().set(["v"], .bytes([UInt8](repeating: 1, count: 65536))).prepare(nowMs: 0)
        let big = KvAtomicOperation()
        for i in 0..<13 { big.set(["v", .number(Double(i))], .bytes([UInt8](repeating: 1, count: 65536))) }
        #expect(throws: KvError(.totalMutationSizeTooLarge, "Total mutation size too large (max 819200 bytes)")) { try big.prepare(nowMs: 0) }
        #expect(throws: KvError(.emptyKey, "key cannot be empty")) { try KvAtomicOperation().set([], 1).prepare(nowMs: 0) }
        #expect(throws: KvError(.invalidCheck, "Invalid check")) { try KvAtomicOperation().check(["a"], versionstampHex: "xyz").prepare(nowMs: 0) }
        #expect(throws: KvError(.invalidMutation, "Invalid mutation 'set' without value")) {
            try KvAtomicOperation().mutate(type: "set", key: ["a"], value: nil).prepare(nowMs: 0)
        }
        #expect(throws: KvError(.invalidMutation, "Invalid mutation type")) {
            try KvAtomicOperation().mutate(type: "bogus", key: ["a"], value: nil).prepare(nowMs: 0)
        }
        #expect(throws: KvError(.u64OutOfRange, "Value must be a positive bigint: received -1", jsClass: "RangeError")) {
            try KvAtomicOperation().sum(["a"], bigint: KvBigInt(-1)).prepare(nowMs: 0)
        }
    }

    @Test func queueOptionValidation() {
        #expect(throws: KvError(.invalidDelay, "Delay must be >= 0")) { try KvQueueOptions(delay: -1).validate() }
        #expect(throws: KvError(.invalidDelay, "Delay cannot be greater than 30 days")) { try KvQueueOptions(delay: 2_592_000_001).validate() }
        #expect(throws: KvError(.invalidBackoff, "Invalid backoffSchedule, max 5 intervals allowed")) {
            try KvQueueOptions(backoffSchedule: [1, 2, 3, 4, 5, 6]).validate()
        }
        #expect(throws: KvError(.invalidBackoff, "Invalid backoffSchedule, interval at index 1 is invalid")) {
            try KvQueueOptions(backoffSchedule: [1, 3_600_001]).validate()
        }
    }

    @Test func valuesRoundTrip() throws {
        let v: KvValue = ["a": 1, "b": [true, nil, "x"], "c": .bigint(KvBigInt("-99999999999999999999")!), "d": .bytes([0, 1]),
                          "e": .number(-0.0), "f": .undefined]
        #expect(try KvStoredValue(v).decode() == v)
        #expect(try KvStoredValue(.u64(5)).decode() == .u64(5))
        #expect(try KvStoredValue(["n": .u64(7)]).decode() == ["n": ["value": .bigint(7)]])
        struct P: Codable, Equatable { var name: String; var n: Int }
        let s = try KvStoredValue(encoding: P(name: "x", n: 3))
        #expect(try s.decode(as: P.self) == P(name: "x", n: 3))
        #expect(try KvStoredValue(["name": "y", "n": 4]).decode(as: P.self) == P(name: "y", n: 4))
        #expect(throws: KvError.self) { try KvValue(binary: [9, 5]) }
    }
}

extension KvWritePlanner.Outcome {
    var isCheckFailed: Bool { if case .checkFailed = self { return true } else { return false } }
}

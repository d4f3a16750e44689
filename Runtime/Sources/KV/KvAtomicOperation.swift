/// Builder for an atomic commit: checks, then mutations and enqueues, applied all-or-nothing.
///
/// Semantics (Deno's):
/// - `check(key, versionstamp)` passes iff the key's current versionstamp equals the given one;
///   nil means "must not exist" (an expired key does not exist). If any check fails, `commit()`
///   returns `.failed` and nothing is written.
/// - Mutations apply in order and later ones see earlier ones; all written keys share the
///   commit's versionstamp. An empty or check-only commit still gets a new versionstamp.
/// - Validation and limit errors throw from `commit()` and write nothing. Builder methods never
///   throw: an invalid argument (bad expireIn, bad queue options, out-of-range u64) is recorded
///   and thrown by `commit()`.
public final class KvAtomicOperation: @unchecked Sendable {
    enum CheckStamp { case stamp(Versionstamp?), text(String?) }

    enum Mutation {
        case set(KvKey, KvStoredValue, expireIn: Int?)
        case delete(KvKey)
        case sum(KvKey, KvU64), min(KvKey, KvU64), max(KvKey, KvU64)
        case setVersionstampedKey(KvKey, KvStoredValue)
        case enqueue(KvStoredValue, KvQueueOptions)
    }

    private let kv: Kv?
    private(set) var checks: [(KvKey, CheckStamp)] = []
    private(set) var mutations: [Mutation] = []
    private var deferredError: KvError?

    /// A detached builder (use `Kv.atomic()` to get one that can `commit()`).
    public init() { kv = nil }
    init(kv: Kv) { self.kv = kv }

    private func record(_ e: KvError) { if deferredError == nil { deferredError = e } }

    @discardableResult public func check(_ key: KvKey, versionstamp: Versionstamp?) -> Self {
        checks.append((key, .stamp(versionstamp))); return self
    }

    /// A check with a versionstamp in text form (20 hex digits, any case); malformed text makes
    /// `commit()` throw "Invalid check".
    @discardableResult public func check(_ key: KvKey, versionstampHex: String?) -> Self {
        checks.append((key, .text(versionstampHex))); return self
    }

    /// Sets `key` to `value`, expiring `expireIn` ms after the commit (nil: no expiry; a later set
    /// without expireIn clears an earlier expiry).
    @discardableResult public func set(_ key: KvKey, _ value: KvValue, expireIn: Int? = nil) -> Self {
        set(key, stored: KvStoredValue(value), expireIn: expireIn)
    }

    /// Sets `key` to an Encodable value (stored as JSON unless it is a KvValue, KvU64 or bytes).
    @discardableResult public func set(_ key: KvKey, encoding value: some Encodable, expireIn: Int? = nil) -> Self {
        do { return set(key, stored: try KvStoredValue(encoding: value), expireIn: expireIn) } catch { record(error); return self }
    }

    @discardableResult package func set(_ key: KvKey, stored: KvStoredValue, expireIn: Int? = nil) -> Self {
        if let e = expireIn, e < 0 {
            record(KvError(.invalidExpireIn, "expireIn must be a non-negative integer: received \(e)"))
        }
        mutations.append(.set(key, stored, expireIn: expireIn)); return self
    }

    @discardableResult public func delete(_ key: KvKey) -> Self { mutations.append(.delete(key)); return self }
    @discardableResult public func sum(_ key: KvKey, _ n: KvU64) -> Self { mutations.append(.sum(key, n)); return self }
    @discardableResult public func min(_ key: KvKey, _ n: KvU64) -> Self { mutations.append(.min(key, n)); return self }
    @discardableResult public func max(_ key: KvKey, _ n: KvU64) -> Self { mutations.append(.max(key, n)); return self }

    /// Like Deno's `.sum(key, n)` with a bigint: out-of-range `n` is a RangeError at commit.
    @discardableResult public func sum(_ key: KvKey, bigint n: KvBigInt) -> Self { u64Op(key, n) { .sum(key, $0) } }
    @discardableResult public func min(_ key: KvKey, bigint n: KvBigInt) -> Self { u64Op(key, n) { .min(key, $0) } }
    @discardableResult public func max(_ key: KvKey, bigint n: KvBigInt) -> Self { u64Op(key, n) { .max(key, $0) } }

    private func u64Op(_ key: KvKey, _ n: KvBigInt, _ make: (KvU64) -> Mutation) -> Self {
        do { mutations.append(make(try KvU64(validating: n))) } catch { record(error) }
        return self
    }

    /// Sets `prefix + [versionstamp]`: the commit's versionstamp (20 hex chars) is appended as a
    /// final string part (Deno's `set([...prefix, kv.commitVersionstamp()], value)`).
    @discardableResult public func setVersionstampedKey(_ prefix: KvKey, _ value: KvValue) -> Self {
        mutations.append(.setVersionstampedKey(prefix, KvStoredValue(value))); return self
    }

    /// Deno's raw `mutate({type, key, value?, expireIn?})`, with its builder errors.
    @discardableResult public func mutate(type: String, key: KvKey, value: KvValue?, expireIn: Int? = nil) -> Self {
        switch type {
        case "delete":
            if value != nil { record(KvError(.invalidMutation, "Invalid mutation 'delete' with value")) }
            return delete(key)
        case "set", "sum", "min", "max":
            guard let value else {
                record(KvError(.invalidMutation, "Invalid mutation '\(type)' without value")); return self
            }
            if type == "set" { return set(key, value, expireIn: expireIn) }
            guard case .u64(let n) = value else {
                record(KvError(.typeMismatchOperand, "Failed to perform '\(type)' mutation on a non-U64 operand")); return self
            }
            return type == "sum" ? sum(key, n) : type == "min" ? min(key, n) : max(key, n)
        default:
            record(KvError(.invalidMutation, "Invalid mutation type")); return self
        }
    }

    @discardableResult public func enqueue(_ value: KvValue, options: KvQueueOptions = .init()) -> Self {
        do { try options.validate() } catch { record(error) }
        mutations.append(.enqueue(KvStoredValue(message: value), options)); return self
    }

    /// Commits: `.ok(versionstamp)` or `.failed` when a check failed. `expireIn` and queue
    /// `delay` become absolute times from the database's clock (`Kv.clock`) at this call.
    public func commit() async throws(KvError) -> KvCommitResult {
        guard let kv else { throw KvError(.invalidInput, "detached atomic operation: use Kv.atomic()") }
        let request = try prepare(nowMs: kv.clock.nowMs())
        return try await kv.commit(request)
    }

    /// Validates and encodes, in Deno's order of checks (`op_kv_atomic_write`).
    package func prepare(nowMs: Int64) throws(KvError) -> KvCommitRequest {
        if let deferredError { throw deferredError }
        if checks.count > KvLimits.maxChecks { throw KvError(.tooManyChecks, "Too many checks (max \(KvLimits.maxChecks))") }
        if mutations.count > KvLimits.maxMutations {
            throw KvError(.tooManyMutations, "Too many mutations (max \(KvLimits.maxMutations))")
        }
        var req = KvCommitRequest()
        for (key, stamp) in checks {
            let vs: Versionstamp?
            switch stamp {
            case .stamp(let v): vs = v
            case .text(nil): vs = nil
            case .text(let t?):
                guard let v = Versionstamp(hex: t) else { throw KvError(.invalidCheck, "Invalid check") }
                vs = v
            }
            req.checks.append(.init(key: try KeyCodec.encode(key), versionstamp: vs))
        }
        var payloadSize = 0
        var keySize = 0
        var valueCarrying: [(key: [UInt8], value: KvStoredValue)] = []
        for m in mutations {
            switch m {
            case .set(let k, let v, let expireIn):
                var expireAt: Int64? = nil
                if let e = expireIn {
                    guard Int64(e) <= KvLimits.maxExpireAtMs - nowMs else {
                        throw KvError(.invalidExpireIn, "Invalid mutation: expireIn is too large: \(e)")
                    }
                    expireAt = nowMs + Int64(e)
                }
                let kb = try KeyCodec.encode(k)
                req.mutations.append(.init(key: kb, kind: .set(v), expireAt: expireAt))
                valueCarrying.append((kb, v))
            case .delete(let k): req.mutations.append(.init(key: try KeyCodec.encode(k), kind: .delete, expireAt: nil))
            case .sum(let k, let n), .min(let k, let n), .max(let k, let n):
                let kb = try KeyCodec.encode(k)
                let kind: KvCommitRequest.MutationKind
                switch m { case .sum: kind = .sum(n); case .min: kind = .min(n); default: kind = .max(n) }
                req.mutations.append(.init(key: kb, kind: kind, expireAt: nil))
                valueCarrying.append((kb, KvStoredValue(u64: n)))
            case .setVersionstampedKey(let k, let v):
                let kb = try KeyCodec.encode(k)
                req.mutations.append(.init(key: kb, kind: .setVersionstampedKey(v), expireAt: nil))
                valueCarrying.append((kb, v))
            case .enqueue(let v, let o):
                let delay = o.delay ?? 0
                var undelivered: [[UInt8]] = []
                for k in o.keysIfUndelivered { undelivered.append(try KeyCodec.encode(k)) }
                let schedule = (o.backoffSchedule ?? KvLimits.defaultBackoffSchedule.map(Double.init)).map { Int($0.rounded(.up)) }
                req.enqueues.append(.init(payload: v, readyAt: nowMs + Int64(delay.rounded(.up)),
                                          keysIfUndelivered: undelivered, backoffSchedule: schedule))
            }
        }
        for key in req.checks.map(\.key) + req.mutations.map(\.key) {
            if key.isEmpty { throw KvError(.emptyKey, "key cannot be empty") }
            payloadSize += try Self.checkWriteKey(key)
        }
        for (key, value) in valueCarrying {
            let ks = try Self.checkWriteKey(key)
            if value.bytes.count > KvLimits.maxValueBytes {
                throw KvError(.valueTooLarge, "Value too large (max \(KvLimits.maxValueBytes) bytes)")
            }
            payloadSize += value.bytes.count + ks
            keySize += ks
        }
        for e in req.enqueues {
            if e.payload.bytes.count > KvLimits.maxEnqueuePayloadBytes {
                throw KvError(.valueTooLarge, "enqueue payload too large (max \(KvLimits.maxEnqueuePayloadBytes) bytes)")
            }
            payloadSize += e.payload.bytes.count + 4 * e.backoffSchedule.count
        }
        if payloadSize > KvLimits.maxTotalMutationBytes {
            throw KvError(.totalMutationSizeTooLarge, "Total mutation size too large (max \(KvLimits.maxTotalMutationBytes) bytes)")
        }
        if keySize > KvLimits.maxTotalKeyBytes {
            throw KvError(.totalKeySizeTooLarge, "Total key size too large (max \(KvLimits.maxTotalKeyBytes) bytes)")
        }
        return req
    }

    static func checkWriteKey(_ key: [UInt8]) throws(KvError) -> Int {
        if key.count > KvLimits.maxWriteKeyBytes {
            throw KvError(.keyTooLargeWrite, "Key too large for write (max \(KvLimits.maxWriteKeyBytes) bytes)")
        }
        return key.count
    }
}

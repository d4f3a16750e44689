/// A validated, encoded atomic operation, ready for a store to apply in one transaction.
///
/// Produced by `KvAtomicOperation.prepare(nowMs:)`, which enforces every Deno limit; a store only
/// evaluates checks and mutations (see `KvWritePlanner`) and persists enqueues.
package struct KvCommitRequest: Sendable {
    public struct Check: Sendable {
        public var key: [UInt8]
        /// nil: the key must not exist (expired keys count as absent).
        public var versionstamp: Versionstamp?
    }

    public enum MutationKind: Sendable {
        case set(KvStoredValue)
        case delete
        case sum(KvU64)
        case min(KvU64)
        case max(KvU64)
        /// Set at `key + [commit versionstamp as a string part]`.
        case setVersionstampedKey(KvStoredValue)
    }

    public struct Mutation: Sendable {
        public var key: [UInt8]
        public var kind: MutationKind
        /// Absolute expiry in ms since the Unix epoch, or nil for none.
        public var expireAt: Int64?
    }

    public struct Enqueue: Sendable {
        public var payload: KvStoredValue
        /// When the message becomes deliverable (ms since the Unix epoch).
        public var readyAt: Int64
        public var keysIfUndelivered: [[UInt8]]
        /// Remaining retry delays in ms.
        public var backoffSchedule: [Int]
    }

    public var checks: [Check] = []
    public var mutations: [Mutation] = []
    public var enqueues: [Enqueue] = []

    public init(checks: [Check] = [], mutations: [Mutation] = [], enqueues: [Enqueue] = []) {
        self.checks = checks
        self.mutations = mutations
        self.enqueues = enqueues
    }
}

/// The outcome of `commit()`: Deno's `{ok: true, versionstamp}` or `{ok: false}` (a failed check).
public enum KvCommitResult: Sendable, Equatable {
    case ok(Versionstamp)
    case failed

    public var ok: Bool { if case .ok = self { return true } else { return false } }
    public var versionstamp: Versionstamp? { if case .ok(let v) = self { return v } else { return nil } }
}

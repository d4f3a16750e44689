import EdgeRuntime
import Synchronization

/// Joins one process's concurrent admissions of the same limiter bucket into one KV round
/// (CONTRACTS §2.6; Decision 0025).
///
/// The window log in KV stays the only record (``ChatRateLimit``): what changes is how many requests
/// one read and one check-and-set decide. Without this, N concurrent requests from one address each
/// read the log and race a check-and-set on it; one wins per commit and the rest read and retry, so a
/// burst of 64 cost about ten reads and ten durable commits per request (measured under
/// `bench/routes`: 21,964 KV reads and 21,974 commits for 2,175 completions).
///
/// Here the first request of a bucket *leads*: it decides itself and every request of that bucket
/// that arrived meanwhile in one round (``ChatRateLimit/admit(kv:identifier:count:limit:windowSeconds:)``),
/// then hands the lead to the group that gathered during its round, or retires the bucket when none
/// did. Members are decided in arrival order, exactly as one-at-a-time admission would decide them:
/// the first `admitted` get `remaining` = limit − (log size after their own entry), the rest 429.
/// Processes (`edge serve` workers) still meet at the check-and-set, one round per group each.
///
/// A round runs in its own task, so a leader whose client goes away (a cancelled task) still decides
/// the group it leads; a round that fails (a KV outage) fails every member with the same error.
final class ChatRateAdmissions: Sendable {
    static let shared = ChatRateAdmissions()

    /// A waiting member's turn: its decision, or the lead of the given members (it is the first).
    private enum Turn: Sendable {
        case decided(Result<ChatRateLimit.Outcome, any Error>)
        case lead([CheckedContinuation<Turn, Never>])
    }

    private struct Bucket: Hashable {
        let kv: ObjectIdentifier
        let identifier: String
    }

    /// The buckets with a round in flight, each with the members waiting for the next round.
    private let waiting = Mutex<[Bucket: [CheckedContinuation<Turn, Never>]]>([:])

    /// This request's admission in bucket `identifier` of `kv`.
    func admit(kv: Kv, identifier: String, limit: Int, windowSeconds: Int) async throws -> ChatRateLimit.Outcome {
        let bucket = Bucket(kv: ObjectIdentifier(kv), identifier: identifier)
        let turn = await withCheckedContinuation { (me: CheckedContinuation<Turn, Never>) in
            let leads = waiting.withLock { w -> Bool in
                if w[bucket] != nil {
                    w[bucket, default: []].append(me)
                    return false
                }
                w[bucket] = []
                return true
            }
            if leads { me.resume(returning: .lead([])) }
        }
        switch turn {
        case .decided(let result):
            return try result.get()
        case .lead(let others):
            let count = 1 + others.count
            let round = await Task {
                try await ChatRateLimit.admit(kv: kv, identifier: identifier, count: count, limit: limit,
                                              windowSeconds: windowSeconds)
            }.result
            let decisions = (0..<count).map { position in round.map { $0.outcome(at: position) } }
            for (member, decision) in zip(others, decisions.dropFirst()) { member.resume(returning: .decided(decision)) }
            handOver(bucket)
            return try (decisions.first ?? .failure(ChatError.conflict())).get()
        }
    }

    /// Gives the lead to the first member that waited during the round, or retires the bucket.
    private func handOver(_ bucket: Bucket) {
        let next = waiting.withLock { w -> [CheckedContinuation<Turn, Never>] in
            let queued = w[bucket] ?? []
            if queued.isEmpty { w[bucket] = nil } else { w[bucket] = [] }
            return queued
        }
        if let first = next.first { first.resume(returning: .lead(Array(next.dropFirst()))) }
    }
}

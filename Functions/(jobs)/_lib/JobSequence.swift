import Synchronization

/// Creation numbers of jobs: `createdMs × 1024`, or one more than the last number this process handed
/// out when that is larger. Within a process they strictly increase; across processes they follow the
/// clock to the millisecond, and a number two processes pick at once is refused by the create's
/// check-and-set and retried with the next. They stay below 2^53 (exact as KV numbers) until the year
/// 2245. The list cursor is the creation number of the last job returned.
enum JobSequence {
    static let multiplier = 1024
    private static let last = Atomic<Int>(0)

    static func next(nowMs: Int64) -> Int {
        let base = Int(max(0, min(nowMs, 8_000_000_000_000))) * multiplier
        while true {
            let current = last.load(ordering: .relaxed)
            let candidate = max(base, current + 1)
            if last.compareExchange(expected: current, desired: candidate, ordering: .relaxed).exchanged { return candidate }
        }
    }
}

import Cron

/// A clock whose minutes last one real second: virtual time runs `factor` times faster than the
/// wall clock from `anchor` on. Sleeping goes through ``SystemCronClock`` (the production path),
/// so a 1-minute cron fires every real second and its lateness, converted back to real time, is
/// the scheduler's real wake-up and dispatch latency.
struct ScaledClock: CronClock {
    let real = SystemCronClock()
    let anchor: CronInstant
    let factor: Int64

    init(factor: Int64) {
        self.factor = factor
        // Start on a whole real second so ticks fall on whole real seconds.
        let now = SystemCronClock().now
        self.anchor = CronInstant(secondsSinceEpoch: now.secondsSinceEpoch)
    }

    var now: CronInstant { toVirtual(real.now) }

    func sleep(until deadline: CronInstant) async throws {
        try await real.sleep(until: toReal(deadline))
    }

    func toVirtual(_ instant: CronInstant) -> CronInstant {
        anchor.advanced(by: anchor.duration(to: instant) * factor)
    }

    func toReal(_ instant: CronInstant) -> CronInstant {
        anchor.advanced(by: anchor.duration(to: instant) / factor)
    }
}

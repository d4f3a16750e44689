import EdgeRuntime
#if canImport(Glibc)
import Glibc
#endif

/// The synthetic monitoring series (CONTRACTS §4.3): slow sine waves of the time since the run went
/// live, phase-shifted by the artifact's checksum so runs differ, rounded to two decimals. Same inputs,
/// same numbers.
struct MonitorSeries: Sendable {
    var rps: Double
    var errorsPercent: Double
    var p95Ms: Double
    var availability: Double

    static let zero = MonitorSeries(rps: 0, errorsPercent: 0, p95Ms: 0, availability: 0)

    static func at(secondsSinceLive t: Double, seed: String) -> MonitorSeries {
        let phase = Double(seed.utf8.prefix(8).reduce(0) { ($0 &* 31 &+ Int($1)) % 1000 }) / 1000 * 2 * Double.pi
        let rps = 42 + 12 * sin(t / 60 + phase)
        let errors = 0.4 + 0.3 * sin(t / 97 + phase)
        let p95 = 180 + 40 * sin(t / 45 + phase)
        return MonitorSeries(rps: round2(rps), errorsPercent: round2(errors), p95Ms: round2(p95), availability: round2(100 - errors))
    }

    /// Real figures from the runtime's request metrics, nil while they hold no request: the rate is the
    /// requests over the time since the figures began (at least one second), errors are `5xx` answers
    /// (a `4xx` is the client's mistake, not the service's), p95 comes from the latency histogram.
    static func measured(_ traffic: TrafficSummary, nowMs: Int64) -> MonitorSeries? {
        guard traffic.requests > 0 else { return nil }
        let seconds = max(Double(nowMs - traffic.startedAtUnixMs) / 1000, 1)
        let errors = Double(traffic.serverErrors) / Double(traffic.requests) * 100
        let p95 = traffic.latencyQuantileMs(0.95) ?? 0
        return MonitorSeries(rps: round2(Double(traffic.requests) / seconds), errorsPercent: round2(errors), p95Ms: round2(p95),
                             availability: round2(100 - errors))
    }

    static func round2(_ v: Double) -> Double { (v * 100).rounded() / 100 }
}

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

    static func round2(_ v: Double) -> Double { (v * 100).rounded() / 100 }
}

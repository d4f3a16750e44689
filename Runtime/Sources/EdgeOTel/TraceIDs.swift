import EdgeTrace
import Synchronization

/// Random W3C trace and span ids for the traces ``RootSamplingTracer`` does not sample, and its sampling draws.
///
/// SplitMix64 over a process-wide counter under a per-process seed from `SystemRandomNumberGenerator`, the
/// request ids' generator (Docs/Decisions/0007): one relaxed atomic add per id and no system call or lock,
/// where swift-otel's id generator takes a mutex around `SystemRandomNumberGenerator` (a `getrandom` system
/// call per 8 bytes) for every span, sampled or not (Docs/Decisions/0024). Ids are unique within the process
/// and unpredictable across processes; they identify traces, they are not secrets.
enum TraceIDs {
    private static let seed: (UInt64, UInt64) = {
        var g = SystemRandomNumberGenerator()
        return (g.next(), g.next())
    }()
    private static let counter = Atomic<UInt64>(0)

    private static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The next 64 random bits.
    static func next() -> UInt64 {
        mix(counter.wrappingAdd(1, ordering: .relaxed).newValue ^ seed.0)
    }

    /// A new trace that is not sampled: a random trace id and span id, neither zero.
    static func unsampledTrace() -> UnsampledTrace {
        let n = counter.wrappingAdd(1, ordering: .relaxed).newValue
        return UnsampledTrace(traceID: TraceID(high: mix(n ^ seed.0), low: mix(n &+ seed.1) | 1), spanID: mix(~n ^ seed.1) | 1)
    }
}

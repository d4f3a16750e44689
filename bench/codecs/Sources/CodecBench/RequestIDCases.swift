import FoundationEssentials
import Server

/// Request ids (one per request): ours (SplitMix64 over a counter, lowercase v4 text) against
/// FoundationEssentials' `UUID()` (random per call) and its text.
enum RequestIDCases {
    static func run(_ b: inout Bench) {
        b.run("requestid/ours RequestID.generate", iterations: 1_000_000) { _ in
            UInt64(RequestID.generate().utf8.count)
        }
        b.run("requestid/Foundation UUID().uuidString", iterations: 1_000_000) { _ in
            UInt64(UUID().uuidString.utf8.count)
        }
        b.run("requestid/Foundation uuidString.lowercased()", iterations: 1_000_000) { _ in
            UInt64(UUID().uuidString.lowercased().utf8.count)
        }
        b.run("requestid/Foundation UUID() only", iterations: 1_000_000) { _ in
            UInt64(UUID().uuid.0)
        }
    }
}

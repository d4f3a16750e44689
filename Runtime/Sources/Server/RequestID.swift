import Synchronization
import EdgeRuntime

/// Request ids: an incoming `x-request-id` is kept when sane (1-128 of `A-Z a-z 0-9 . _ : -`),
/// otherwise a new random UUID (v4, lowercase) is generated. Ids are unique and unpredictable enough to
/// correlate logs, not secret: never use one as a token. Foundation's `UUID()` reads `/dev/urandom` on
/// every call, 65x the cost of this (Docs/Decisions/0007).
package enum RequestID {
    static func accept(_ incoming: String?) -> String {
        if let s = incoming, !s.isEmpty, s.utf8.count <= EdgeLimits.maxRequestIdLength,
           s.utf8.allSatisfy({ isAllowed($0) }) {
            return s
        }
        return generate()
    }

    private static func isAllowed(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return true
        case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"): return true
        default: return false
        }
    }

    /// Per-process random seed; ids are SplitMix64 of a counter under it: unique within the process,
    /// unpredictable across processes, and no system call per request.
    private static let seed: (UInt64, UInt64) = {
        var g = SystemRandomNumberGenerator()
        return (g.next(), g.next())
    }()
    private static let counter = Atomic<UInt64>(0)

    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    package static func generate() -> String {
        let n = counter.wrappingAdd(1, ordering: .relaxed).newValue
        var a = mix(n ^ seed.0), b = mix(n &+ seed.1)
        a = (a & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000
        b = (b & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        // 8-4-4-4-12 hex digits, written straight into the string's storage (this runs per request).
        return String(unsafeUninitializedCapacity: 36) { out in
            var pos = 0
            func put(_ word: UInt64, digits: Int, from shift: Int) {
                var shift = shift
                for _ in 0..<digits {
                    let v = UInt8((word >> UInt64(shift)) & 0xF)
                    out[pos] = v < 10 ? v &+ 0x30 : v &+ 0x57
                    pos += 1
                    shift -= 4
                }
            }
            put(a, digits: 8, from: 60); out[pos] = 0x2D; pos += 1
            put(a, digits: 4, from: 28); out[pos] = 0x2D; pos += 1
            put(a, digits: 4, from: 12); out[pos] = 0x2D; pos += 1
            put(b, digits: 4, from: 60); out[pos] = 0x2D; pos += 1
            put(b, digits: 12, from: 44)
            return pos
        }
    }
}

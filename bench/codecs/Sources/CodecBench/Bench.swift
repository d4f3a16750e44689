/// A tiny timing harness: each case runs `iterations` times per round, for `rounds` rounds, and the
/// report is the median (and min/max) of the per-round nanoseconds per call. `sink` folds every
/// result into a checksum that is printed, so the optimiser cannot drop the work.
struct Bench {
    let rounds: Int
    let filter: String?
    var sink: UInt64 = 0

    mutating func run(_ name: String, iterations: Int, unit: String = "call", bytes: Int = 0,
                      _ body: (Int) -> UInt64) {
        if let filter, !name.contains(filter) { return }
        _ = body(0)  // warm-up: first-touch allocations, lazy tables
        var perCall: [Double] = []
        for _ in 0..<rounds {
            let clock = ContinuousClock()
            var acc: UInt64 = 0
            let took = clock.measure {
                for i in 0..<iterations { acc &+= body(i) }
            }
            sink &+= acc
            let ns = Double(took.components.seconds) * 1e9 + Double(took.components.attoseconds) / 1e9
            perCall.append(ns / Double(iterations))
        }
        report(name, perCall, iterations: iterations, unit: unit, bytes: bytes)
    }

    static func format(_ x: Double) -> String {
        let r = (x * 10).rounded() / 10
        return r >= 100 ? String(Int(r)) : String(r)
    }
}

extension String {
    func padded(to width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}

/// Deterministic bytes for inputs (SplitMix64), so every run measures the same data.
struct Seeded {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8(truncatingIfNeeded: next()) } }
}

extension Bench {
    /// ``run(_:iterations:unit:bytes:_:)`` for an async body.
    mutating func runAsync(_ name: String, iterations: Int, unit: String = "call", bytes: Int = 0,
                           _ body: () async throws -> UInt64) async {
        if let filter, !name.contains(filter) { return }
        _ = try! await body()
        var perCall: [Double] = []
        for _ in 0..<rounds {
            let clock = ContinuousClock()
            let start = clock.now
            var acc: UInt64 = 0
            for _ in 0..<iterations { acc &+= try! await body() }
            let took = clock.now - start
            sink &+= acc
            let ns = Double(took.components.seconds) * 1e9 + Double(took.components.attoseconds) / 1e9
            perCall.append(ns / Double(iterations))
        }
        report(name, perCall, iterations: iterations, unit: unit, bytes: bytes)
    }

    func report(_ name: String, _ samples: [Double], iterations: Int, unit: String, bytes: Int) {
        let perCall = samples.sorted()
        let median = perCall[perCall.count / 2]
        var line = "\(name.padded(to: 46))  median \(Self.format(median)) ns/\(unit)"
        line += "  (min \(Self.format(perCall.first!)), max \(Self.format(perCall.last!)), \(rounds) rounds x \(iterations))"
        if bytes > 0 { line += "  \(Self.format(Double(bytes) / median * 1e9 / 1_048_576)) MiB/s" }
        print(line)
    }
}

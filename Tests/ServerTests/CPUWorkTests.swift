import EdgeRuntime
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `CPUWork`: results and errors come back, the work runs on threads of its own, and no more than
/// `EdgeLimits.cpuWorkThreads` run at once.
@Suite struct CPUWorkTests {
    struct Boom: Error, Equatable {}

    @Test func resultsAndErrorsComeBack() async throws {
        #expect(try await CPUWork.run { (1...1000).reduce(0, +) } == 500_500)
        await #expect(throws: Boom()) { try await CPUWork.run { () throws -> Int in throw Boom() } }
    }

    final class Tally: Sendable {
        let state = Mutex<(now: Int, peak: Int)>((0, 0))
        let offThread = Atomic<Int>(0)
    }

    @Test func atMostTheConfiguredNumberRunAtOnce() async throws {
        let tally = Tally()
        let caller = UInt(pthread_self())
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<12 {
                group.addTask {
                    try await CPUWork.run {
                        tally.state.withLock { s in s.now += 1; s.peak = max(s.peak, s.now) }
                        if UInt(pthread_self()) != caller { tally.offThread.add(1, ordering: .relaxed) }
                        usleep(5_000)
                        tally.state.withLock { $0.now -= 1 }
                    }
                }
            }
            try await group.waitForAll()
        }
        let peak = tally.state.withLock { $0.peak }
        #expect(peak >= 1 && peak <= EdgeLimits.cpuWorkThreads)
        #expect(tally.offThread.load(ordering: .relaxed) == 12)
    }
}

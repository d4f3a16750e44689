/// Runs a handler against its `maxDuration`: when the deadline passes first, the handler task is
/// cancelled and ``Exceeded`` is thrown so the caller can answer 504.
enum Deadline {
    struct Exceeded: Error {}

    static func run<T: Sendable>(until deadline: ContinuousClock.Instant?, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        guard let deadline else { return try await body() }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(until: deadline, clock: .continuous)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw Exceeded() }
            return value
        }
    }
}

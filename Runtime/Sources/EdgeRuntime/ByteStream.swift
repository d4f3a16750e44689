/// A single-consumer asynchronous sequence of byte chunks: request bodies, streamed responses,
/// upstream bodies from `fetch`. Chunks are delivered as they arrive, never re-buffered.
public struct ByteStream: AsyncSequence, Sendable {
    public typealias Element = [UInt8]
    public typealias Failure = any Error

    private let make: @Sendable () -> Iterator

    /// Wraps any sendable sequence of byte chunks.
    public init<S: AsyncSequence & Sendable>(_ sequence: S) where S.Element == [UInt8] {
        self.make = {
            let box = IteratorBox(sequence.makeAsyncIterator())
            return Iterator { try await box.next() }
        }
    }

    /// A stream whose iterator `make` builds on first use (nothing is allocated for a body never read).
    /// Non-generic, so hot callers can build it from concrete types in their own module.
    public init(make: @escaping @Sendable () -> Iterator) {
        self.make = make
    }

    /// A stream of one chunk (or none for empty input).
    public init(bytes: [UInt8]) {
        self.make = {
            let box = OnceBox(bytes.isEmpty ? nil : bytes)
            return Iterator { box.take() }
        }
    }

    /// A stream that produces no chunks.
    public static var empty: ByteStream { ByteStream(bytes: []) }

    public func makeAsyncIterator() -> Iterator { make() }

    public struct Iterator: AsyncIteratorProtocol {
        let nextChunk: () async throws -> [UInt8]?
        public init(_ next: @escaping () async throws -> [UInt8]?) { self.nextChunk = next }
        public mutating func next() async throws -> [UInt8]? { try await nextChunk() }
    }

    /// Collects the whole stream; throws ``HTTPError`` 413 past `limit` bytes.
    public func collect(upTo limit: Int) async throws -> [UInt8] {
        var out: [UInt8] = []
        for try await chunk in self {
            if out.count + chunk.count > limit {
                throw HTTPError(.contentTooLarge, code: "payload_too_large", message: "Request body exceeds \(limit) bytes")
            }
            out.append(contentsOf: chunk)
        }
        return out
    }
}

private final class IteratorBox<I: AsyncIteratorProtocol>: @unchecked Sendable where I.Element == [UInt8] {
    var iterator: I
    init(_ iterator: I) { self.iterator = iterator }
    func next() async throws -> [UInt8]? { try await iterator.next() }
}

private final class OnceBox: @unchecked Sendable {
    var value: [UInt8]?
    init(_ value: [UInt8]?) { self.value = value }
    func take() -> [UInt8]? { defer { value = nil }; return value }
}

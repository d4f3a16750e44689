import Dispatch
import NIOCore
import Synchronization

/// Blocks the calling thread until a future completes, without NIO's `wait()`, which refuses to
/// run on any event loop. Only safe when the future completes on a different thread than the
/// caller's: `PostgresKvStore` guarantees that by keeping its connections on its own loops.
final class BlockingResult<Value: Sendable>: Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let value = Mutex<Result<Value, any Error>?>(nil)

    static func wait(for future: EventLoopFuture<Value>) -> Result<Value, any Error> {
        let box = BlockingResult<Value>()
        future.whenComplete { r in
            box.value.withLock { $0 = r }
            box.done.signal()
        }
        box.done.wait()
        return box.value.withLock { $0 } ?? .failure(CancellationError())
    }
}

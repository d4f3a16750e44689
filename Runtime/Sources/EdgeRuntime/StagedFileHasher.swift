import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The SHA-256 of a file that is still being appended to, computed on a thread of its own.
///
/// The thread reads back (`pread`, from the page cache) what the writer has reported written with
/// ``wrote(upTo:)`` and hashes it, so hashing overlaps with receiving and writing instead of taking turns
/// with them on the writer's event loop. It holds nothing of the writer's buffers: the digest is of the
/// bytes in the file. ``finish(size:)`` waits for the last byte; ``cancel()`` stops the thread. At most
/// ``EdgeLimits/stagedFileHasherThreads`` run at once: ``start(path:)`` answers nil beyond that (or when the
/// file cannot be opened or no thread can be made), and the caller hashes inline instead.
final class StagedFileHasher: Sendable {
    private static let running = Atomic<Int>(0)

    private struct State {
        var available = 0
        var finalSize: Int?
        var cancelled = false
        var result: Result<String, StagedFile.Failure>?
        var waiter: CheckedContinuation<Result<String, StagedFile.Failure>, Never>?
    }

    private let fd: Int32
    private let wake = DispatchSemaphore(value: 0)
    private let state = Mutex(State())

    private init(fd: Int32) { self.fd = fd }

    /// A hasher reading `path` on a new thread, or nil when none may or can be started.
    static func start(path: String) -> StagedFileHasher? {
        guard running.add(1, ordering: .relaxed).newValue <= EdgeLimits.stagedFileHasherThreads else {
            running.subtract(1, ordering: .relaxed)
            return nil
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            running.subtract(1, ordering: .relaxed)
            return nil
        }
        let hasher = StagedFileHasher(fd: fd)
        guard DetachedThread.start({ hasher.run() }) else {
            close(fd)
            running.subtract(1, ordering: .relaxed)
            return nil
        }
        return hasher
    }

    /// The file's first `size` bytes are written and may be hashed.
    func wrote(upTo size: Int) {
        state.withLock { $0.available = size }
        wake.signal()
    }

    /// Waits until the file's `size` bytes are hashed and returns the digest (64 lower-case hex digits).
    func finish(size: Int) async -> Result<String, StagedFile.Failure> {
        await withCheckedContinuation { (c: CheckedContinuation<Result<String, StagedFile.Failure>, Never>) in
            let ready = state.withLock { s -> Result<String, StagedFile.Failure>? in
                s.available = size
                s.finalSize = size
                if let result = s.result { return result }
                s.waiter = c
                return nil
            }
            if let ready { c.resume(returning: ready) } else { wake.signal() }
        }
    }

    /// Stops the thread; a pending ``finish(size:)`` answers a failure.
    func cancel() {
        state.withLock { $0.cancelled = true }
        wake.signal()
    }

    private func run() {
        var digest = SHA256Stream()
        var buffer = [UInt8](repeating: 0, count: EdgeLimits.stagedFileHashReadBytes)
        var hashed = 0
        var outcome: Result<String, StagedFile.Failure>?
        while outcome == nil {
            let (available, finalSize, cancelled) = state.withLock { ($0.available, $0.finalSize, $0.cancelled) }
            if cancelled {
                outcome = .failure(StagedFile.Failure(operation: "hash", code: ECANCELED))
            } else if hashed < available {
                let want = min(buffer.count, available - hashed)
                let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, want, off_t(hashed)) }
                if n > 0 {
                    digest.update(buffer[0..<n])
                    hashed += n
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    outcome = .failure(StagedFile.Failure(operation: "hash read", code: n < 0 ? errno : EIO))
                }
            } else if let finalSize, hashed >= finalSize {
                outcome = .success(digest.hexDigest())
            } else {
                wake.wait()
            }
        }
        close(fd)
        Self.running.subtract(1, ordering: .relaxed)
        let waiter = state.withLock { s -> CheckedContinuation<Result<String, StagedFile.Failure>, Never>? in
            s.result = outcome
            defer { s.waiter = nil }
            return s.waiter
        }
        if let outcome { waiter?.resume(returning: outcome) }
    }
}

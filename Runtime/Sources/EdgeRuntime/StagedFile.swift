import CFileSync

#if canImport(Glibc)
import Glibc
#endif

/// A file that appears under its name only when committed, hashed and flushed to disk while its bytes
/// are still arriving.
///
/// Bytes given to ``append(_:)`` are written at once to a hidden temporary file in the target directory
/// and hashed (SHA-256) by a ``StagedFileHasher`` thread that reads them back while the next bytes arrive
/// (or, when too many files are being staged at once, on the caller's thread, with no copy). Every ``EdgeLimits/stagedFileWritebackBytes`` the
/// kernel's writeback of what was written is started (`sync_file_range`, which does not wait), so the disk
/// works while the network does and ``commit(as:)``'s `fsync` (on a ``CPUWork`` thread, off the event
/// loops) waits only for the tail. Writeback hints are advisory: a file system that refuses them is
/// written as before, and the `fsync` of ``commit(as:)`` remains the one durability barrier.
///
/// Use from one task at a time. Every path that does not commit must call ``discard()``. Failures are
/// ``StagedFile/Failure`` (the system call and its `errno`).
public final class StagedFile: @unchecked Sendable {
    /// A failed system call: its name and `errno`.
    public struct Failure: Error, Sendable, Equatable {
        public let operation: String
        public let code: Int32
        public init(operation: String, code: Int32) {
            self.operation = operation
            self.code = code
        }
        /// The device or quota is full (`ENOSPC`, `EDQUOT`, `EFBIG`).
        public var isOutOfSpace: Bool { code == ENOSPC || code == EDQUOT || code == EFBIG }
    }

    /// What ``commit(as:)`` made.
    public struct Committed: Sendable {
        /// The file's final path.
        public let path: String
        /// Its size in bytes.
        public let size: Int
        /// Its SHA-256, 64 lower-case hex digits.
        public let sha256: String
    }

    /// The directory the file is committed into.
    public let directory: String
    /// The temporary file's path (in ``directory``, hidden, removed by ``discard()``).
    public let temporaryPath: String
    /// Bytes written so far.
    public private(set) var size = 0

    private var fd: Int32
    /// Hashes on a thread of its own; nil: ``inlineHasher`` hashes as bytes are appended.
    private let backgroundHasher: StagedFileHasher?
    private var inlineHasher = SHA256Stream()
    /// Writeback was started for [0, writebackStarted).
    private var writebackStarted = 0
    private var hints = true

    /// Creates `directory/.<name>.part` (mode 0600) for writing; `directory` must exist.
    public init(directory: String, temporaryName: String) throws(Failure) {
        self.directory = directory
        temporaryPath = directory + "/." + temporaryName + ".part"
        fd = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure(operation: "create", code: errno) }
        backgroundHasher = StagedFileHasher.start(path: temporaryPath)
    }

    deinit {
        if fd >= 0 { close(fd) }
        backgroundHasher?.cancel()
    }

    /// Writes and hashes `bytes`.
    public func append(_ bytes: ArraySlice<UInt8>) throws(Failure) {
        guard fd >= 0 else { throw Failure(operation: "append", code: EBADF) }
        let failure: Failure? = bytes.withUnsafeBytes { raw in
            guard var p = raw.baseAddress else { return nil }
            var left = raw.count
            while left > 0 {
                let n = write(fd, p, left)
                if n < 0 {
                    if errno == EINTR { continue }
                    return Failure(operation: "write", code: errno)
                }
                p += n
                left -= n
            }
            return nil
        }
        if let failure { throw failure }
        size += bytes.count
        if let backgroundHasher { backgroundHasher.wrote(upTo: size) } else { inlineHasher.update(bytes) }
        if hints && size - writebackStarted >= EdgeLimits.stagedFileWritebackBytes {
            if CFileSync_startWriteback(fd, Int64(writebackStarted), Int64(size - writebackStarted)) == 0 {
                writebackStarted = size
            } else {
                hints = false
            }
        }
    }

    /// Flushes the file to disk, renames it to `name` in ``directory`` and returns what was stored. On
    /// failure the temporary file is still there: call ``discard()``.
    public func commit(as name: String) async throws -> Committed {
        guard fd >= 0 else { throw Failure(operation: "commit", code: EBADF) }
        let fd = self.fd
        // The hashing thread reads the tail while the disk takes it.
        let rc = try await CPUWork.run { () -> Int32 in
            while fsync(fd) != 0 { if errno != EINTR { return errno } }
            return 0
        }
        if rc != 0 { throw Failure(operation: "fsync", code: rc) }
        let sha256 = try await backgroundHasher?.finish(size: size).get() ?? inlineHasher.hexDigest()
        let path = directory + "/" + name
        guard rename(temporaryPath, path) == 0 else { throw Failure(operation: "rename", code: errno) }
        close(fd)
        self.fd = -1
        return Committed(path: path, size: size, sha256: sha256)
    }

    /// Closes and removes the temporary file (safe to call twice).
    public func discard() {
        backgroundHasher?.cancel()
        if fd >= 0 { close(fd); fd = -1 }
        unlink(temporaryPath)
    }
}

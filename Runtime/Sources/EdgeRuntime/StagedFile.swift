import CFileSync
import Crypto

#if canImport(Glibc)
import Glibc
#endif

/// A file that appears under its name only when committed, written off the event loop while its bytes
/// are still arriving.
///
/// Bytes given to ``append(_:)`` are gathered into batches of ``EdgeLimits/stagedFileBatchBytes``; each
/// batch is written to a hidden temporary file in the target directory and hashed (SHA-256) on a
/// ``CPUWork`` thread while the caller goes on receiving the next one. At most one batch is in flight, so
/// memory stays at two batches and back-pressure reaches the sender. Every
/// ``EdgeLimits/stagedFileWritebackBytes`` the kernel's writeback of what was written is started (and the
/// range before it awaited), so the disk works while the network does and ``commit(as:)``'s `fsync`
/// waits only for the tail. Writeback hints are advisory: a file system that refuses them is written
/// as before, and the `fsync` of ``commit(as:)`` remains the one durability barrier.
///
/// Use from one task at a time. Every path that does not commit must call ``discard()``, which also
/// waits for the batch in flight; a write failure surfaces from the next ``append(_:)`` or from
/// ``commit(as:)`` as ``StagedFile/Failure``.
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
    /// Bytes appended so far (written or still in the batch being gathered).
    public private(set) var size = 0

    private let writer: Writer
    private var batch: [UInt8] = []
    private var inFlight: Task<Void, any Error>?
    private var finished = false

    /// Creates `directory/.<name>.part` (mode 0600) for writing; `directory` must exist.
    public init(directory: String, temporaryName: String) throws(Failure) {
        self.directory = directory
        temporaryPath = directory + "/." + temporaryName + ".part"
        let fd = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure(operation: "create", code: errno) }
        writer = Writer(fd: fd)
        batch.reserveCapacity(EdgeLimits.stagedFileBatchBytes)
    }

    /// Adds `bytes` to the file. Suspends while a full batch waits for the one in flight.
    public func append(_ bytes: ArraySlice<UInt8>) async throws {
        if finished { throw Failure(operation: "append", code: EBADF) }
        var rest = bytes
        while !rest.isEmpty {
            let take = min(rest.count, EdgeLimits.stagedFileBatchBytes - batch.count)
            batch.append(contentsOf: rest.prefix(take))
            rest = rest.dropFirst(take)
            size += take
            if batch.count == EdgeLimits.stagedFileBatchBytes { try await submitBatch() }
        }
    }

    /// Writes what is left, flushes the file to disk, renames it to `name` in ``directory`` and returns
    /// what was stored. On failure the temporary file is still there: call ``discard()``.
    public func commit(as name: String) async throws -> Committed {
        try await submitBatch()
        try await inFlight?.value
        inFlight = nil
        finished = true
        let writer = self.writer
        let digest = try await CPUWork.run { () throws -> String in
            try writer.sync()
            return writer.hexDigest()
        }
        let path = directory + "/" + name
        guard rename(temporaryPath, path) == 0 else { throw Failure(operation: "rename", code: errno) }
        writer.close()
        return Committed(path: path, size: size, sha256: digest)
    }

    /// Waits for the batch in flight, then closes and removes the temporary file (safe to call twice).
    public func discard() async {
        finished = true
        _ = try? await inFlight?.value
        inFlight = nil
        batch = []
        writer.close()
        unlink(temporaryPath)
    }

    /// Hands the gathered batch to the writing thread once the previous one is done.
    private func submitBatch() async throws {
        try await inFlight?.value
        inFlight = nil
        guard !batch.isEmpty else { return }
        let bytes = batch
        batch = []
        batch.reserveCapacity(EdgeLimits.stagedFileBatchBytes)
        let writer = self.writer
        inFlight = Task { try await CPUWork.run { try writer.write(bytes) } }
    }

    /// The descriptor, the digest and the writeback position. Only one batch job touches it at a time
    /// (``StagedFile`` awaits the previous job before it submits the next), hence `@unchecked Sendable`.
    private final class Writer: @unchecked Sendable {
        private var fd: Int32
        private var hasher = SHA256()
        private var written: Int64 = 0
        /// Writeback was started for [0, started); [previousStart, started) is the range started last.
        private var started: Int64 = 0
        private var previousStart: Int64 = 0
        private var hints = true

        init(fd: Int32) { self.fd = fd }

        deinit { close() }

        func write(_ bytes: [UInt8]) throws {
            try bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws in
                guard var p = raw.baseAddress else { return }
                var left = raw.count
                while left > 0 {
                    let n = Glibc.write(fd, p, left)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw Failure(operation: "write", code: errno)
                    }
                    p += n
                    left -= n
                }
                hasher.update(bufferPointer: raw)
            }
            written += Int64(bytes.count)
            if hints && written - started >= Int64(EdgeLimits.stagedFileWritebackBytes) { writeBack() }
        }

        /// Starts writeback of what was written since the last start and waits for the range before it.
        private func writeBack() {
            if started > previousStart, CFileSync_awaitWriteback(fd, previousStart, started - previousStart) != 0 {
                hints = false
                return
            }
            if CFileSync_startWriteback(fd, started, written - started) != 0 { hints = false; return }
            previousStart = started
            started = written
        }

        func sync() throws {
            while fsync(fd) != 0 {
                if errno != EINTR { throw Failure(operation: "fsync", code: errno) }
            }
        }

        func hexDigest() -> String {
            let digits = Array("0123456789abcdef".utf8)
            var out: [UInt8] = []
            out.reserveCapacity(64)
            for b in hasher.finalize() {
                out.append(digits[Int(b >> 4)])
                out.append(digits[Int(b & 0x0F)])
            }
            return String(decoding: out, as: UTF8.self)
        }

        func close() {
            if fd >= 0 { Glibc.close(fd); fd = -1 }
        }
    }
}

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
/// ``CPUWork`` thread while the caller goes on filling the other of two buffers. At most one batch is in
/// flight, so memory stays at two batches and back-pressure reaches the sender. Every
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
    /// The buffer being filled (0 or 1; the other one may be in flight) and its byte count.
    private var filling = 0
    private var filled = 0
    private var inFlight: Task<Void, any Error>?
    private var finished = false

    /// Creates `directory/.<name>.part` (mode 0600) for writing; `directory` must exist.
    public init(directory: String, temporaryName: String) throws(Failure) {
        self.directory = directory
        temporaryPath = directory + "/." + temporaryName + ".part"
        let fd = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure(operation: "create", code: errno) }
        writer = Writer(fd: fd)
    }

    /// Adds `bytes` to the file. Suspends while a full batch waits for the one in flight.
    public func append(_ bytes: ArraySlice<UInt8>) async throws {
        if finished { throw Failure(operation: "append", code: EBADF) }
        var rest = bytes
        while !rest.isEmpty {
            let take = min(rest.count, EdgeLimits.stagedFileBatchBytes - filled)
            let target = writer.buffers[filling]
            rest.prefix(take).withUnsafeBytes { source in
                guard let from = source.baseAddress, let to = target.baseAddress else { return }
                (to + filled).copyMemory(from: from, byteCount: take)
            }
            rest = rest.dropFirst(take)
            filled += take
            size += take
            if filled == EdgeLimits.stagedFileBatchBytes { try await submitBatch() }
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
        writer.close()
        unlink(temporaryPath)
    }

    /// Hands the buffer being filled to the writing thread once the other one is written, and goes on
    /// filling the other one.
    private func submitBatch() async throws {
        try await inFlight?.value
        inFlight = nil
        guard filled > 0 else { return }
        let (writer, buffer, count) = (self.writer, filling, filled)
        inFlight = Task { try await CPUWork.run { try writer.write(buffer: buffer, count: count) } }
        filling ^= 1
        filled = 0
    }

    /// The descriptor, the digest, the writeback position and the two batch buffers (allocated once, so a
    /// large file costs no allocation, page fault or unmapping per batch). Only one batch job touches the
    /// descriptor and digest at a time, and the caller fills only the buffer not in flight (``StagedFile``
    /// awaits the previous job before it submits the next), hence `@unchecked Sendable`.
    private final class Writer: @unchecked Sendable {
        let buffers: [UnsafeMutableRawBufferPointer]
        private var fd: Int32
        private var hasher = SHA256()
        private var written: Int64 = 0
        /// Writeback was started for [0, started); [previousStart, started) is the range started last.
        private var started: Int64 = 0
        private var previousStart: Int64 = 0
        private var hints = true

        init(fd: Int32) {
            self.fd = fd
            buffers = (0..<2).map { _ in
                UnsafeMutableRawBufferPointer.allocate(byteCount: EdgeLimits.stagedFileBatchBytes, alignment: 4096)
            }
        }

        deinit {
            close()
            for b in buffers { b.deallocate() }
        }

        func write(buffer: Int, count: Int) throws {
            let raw = UnsafeRawBufferPointer(rebasing: buffers[buffer][0..<count])
            guard var p = raw.baseAddress else { return }
            var left = count
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
            written += Int64(count)
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

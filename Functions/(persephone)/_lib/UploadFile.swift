#if canImport(Glibc)
import Glibc
#endif
import EdgeRuntime

/// One artifact being written: a hidden temporary file in the upload directory that becomes the
/// artifact only by ``commit(as:)`` (fsync, then rename), so a reader never sees a partial file.
/// ``discard()`` removes it; every path that does not commit must call it (a failed write, a client
/// that disconnects, a rejected file).
///
/// Writes that fail for lack of space (`ENOSPC`, `EDQUOT`, `EFBIG`) throw 507 `insufficient_storage`;
/// other I/O failures throw 500.
final class UploadFile: @unchecked Sendable {
    let dir: String
    let tempPath: String
    private var fd: Int32
    private(set) var written = 0
    /// Test fault: fail as a full disk would once more than this many bytes are written.
    let failAfter: Int?

    init(dir: String, failAfter: Int?) throws {
        try Self.makeDirectories(dir)
        self.dir = dir
        self.tempPath = dir + "/.upload-" + PersephoneIds.newId() + ".part"
        self.failAfter = failAfter
        fd = open(tempPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Self.ioError("create", errno) }
    }

    deinit { if fd >= 0 { close(fd) } }

    func write(_ bytes: ArraySlice<UInt8>) throws {
        if let failAfter, written + bytes.count > failAfter { throw Self.ioError("write", ENOSPC) }
        try bytes.withUnsafeBytes { raw in
            guard var p = raw.baseAddress else { return }
            var left = raw.count
            while left > 0 {
                let n = Glibc.write(fd, p, left)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw Self.ioError("write", errno)
                }
                p += n
                left -= n
            }
        }
        written += bytes.count
    }

    /// Flushes the file to disk (off the event loop) and renames it to `name` in the same directory.
    /// Returns the final path.
    func commit(as name: String) async throws -> String {
        let fd = self.fd
        let rc = try await CPUWork.run { fsync(fd) == 0 ? 0 : errno }
        if rc != 0 { throw Self.ioError("fsync", rc) }
        close(fd)
        self.fd = -1
        let final = dir + "/" + name
        guard rename(tempPath, final) == 0 else { throw Self.ioError("rename", errno) }
        return final
    }

    /// Closes and removes the temporary file (safe to call more than once).
    func discard() {
        if fd >= 0 { close(fd); fd = -1 }
        unlink(tempPath)
    }

    static func ioError(_ what: String, _ code: Int32) -> HTTPError {
        if code == ENOSPC || code == EDQUOT || code == EFBIG { return PersephoneErrors.diskFull }
        return HTTPError(.internalServerError, code: "internal_error", message: "could not store the upload (\(what) failed, errno \(code))")
    }

    /// `mkdir -p` with mode 0700 for what it creates.
    static func makeDirectories(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") where !part.isEmpty && part != "." {
            prefix += "/" + part
            if mkdir(prefix, 0o700) != 0 && errno != EEXIST { throw ioError("mkdir", errno) }
        }
    }
}

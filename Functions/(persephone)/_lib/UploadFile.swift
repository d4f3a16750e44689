#if canImport(Glibc)
import Glibc
#endif
import EdgeRuntime

/// One artifact being written: a ``StagedFile`` in the upload directory (hashed as written, its writeback
/// to disk started as it grows) that becomes the artifact only by ``commit(as:)`` (fsync, then
/// rename), so a reader never sees a partial file. ``discard()`` removes it; every path that does not
/// commit must call it (a failed write, a client that disconnects, a rejected file).
///
/// Writes that fail for lack of space (`ENOSPC`, `EDQUOT`, `EFBIG`) throw 507 `insufficient_storage`;
/// other I/O failures throw 500.
struct UploadFile: Sendable {
    let staged: StagedFile
    /// Test fault: fail as a full disk would once more than this many bytes are written.
    let failAfter: Int?

    init(dir: String, failAfter: Int?) throws {
        try Self.makeDirectories(dir)
        self.failAfter = failAfter
        do { staged = try StagedFile(directory: dir, temporaryName: "upload-" + PersephoneIds.newId()) } catch {
            throw Self.ioError(error)
        }
    }

    func write(_ bytes: ArraySlice<UInt8>) throws {
        if let failAfter, staged.size + bytes.count > failAfter { throw Self.ioError(StagedFile.Failure(operation: "write", code: ENOSPC)) }
        do { try staged.append(bytes) } catch { throw Self.ioError(error) }
    }

    /// Flushes the file to disk and renames it to `name` in the same directory: its final path, size
    /// and SHA-256.
    func commit(as name: String) async throws -> StagedFile.Committed {
        do { return try await staged.commit(as: name) } catch let failure as StagedFile.Failure {
            throw Self.ioError(failure)
        }
    }

    /// Removes the temporary file (safe to call more than once).
    func discard() { staged.discard() }

    static func ioError(_ failure: StagedFile.Failure) -> HTTPError {
        if failure.isOutOfSpace { return PersephoneErrors.diskFull }
        return HTTPError(.internalServerError, code: "internal_error",
                         message: "could not store the upload (\(failure.operation) failed, errno \(failure.code))")
    }

    /// `mkdir -p` with mode 0700 for what it creates.
    static func makeDirectories(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") where !part.isEmpty && part != "." {
            prefix += "/" + part
            if mkdir(prefix, 0o700) != 0 && errno != EEXIST { throw ioError(StagedFile.Failure(operation: "mkdir", code: errno)) }
        }
    }
}

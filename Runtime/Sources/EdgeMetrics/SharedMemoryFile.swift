#if canImport(Glibc)
import Glibc
#endif

/// An unlinked, zero-filled file in `/dev/shm` (else `/tmp`) whose descriptor is its only name: what a
/// supervisor creates and its workers inherit and map, for tables every process of one server shares
/// (the metrics, each worker's in-flight requests).
public enum SharedMemoryFile {
    /// A new file of `size` bytes named after `prefix` while it exists; its descriptor (close-on-exec:
    /// the spawner hands it on deliberately), or nil.
    public static func create(prefix: String, size: Int) -> Int32? {
        var fd: Int32 = -1
        for directory in ["/dev/shm", "/tmp"] where fd < 0 {
            var template = Array("\(directory)/\(prefix)-XXXXXX".utf8CString)
            fd = mkstemp(&template)
            if fd >= 0 { unlink(template) }
        }
        guard fd >= 0 else { return nil }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        guard ftruncate(fd, off_t(size)) == 0 else {
            close(fd)
            return nil
        }
        return fd
    }
}

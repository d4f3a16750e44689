public import KV
#if canImport(Glibc)
import Glibc
#endif

extension LMDBStore {
    /// Writes a consistent, compacted snapshot of the database into directory `dir` (created if
    /// missing; it must not already contain `data.mdb`). Safe while the store serves reads and
    /// writes (`mdb_env_copy2` with `MDB_CP_COMPACT` reads one snapshot).
    public func backup(to dir: String) throws(KvError) {
        LMDBEnvironment.makeDirectories(dir)
        if access(dir + "/data.mdb", F_OK) == 0 {
            throw KvError(.io, "backup target \(dir) already contains data.mdb")
        }
        try env.copy(to: dir)
    }

    /// Replaces the database in `path` with the backup in `backupDir` (a directory written by
    /// `backup(to:)`). The store at `path` must be closed in every process. The backup is
    /// verified by opening it first; the file is copied to a temporary name, fsynced and renamed,
    /// so a crash leaves either the old or the new database.
    public static func restore(from backupDir: String, to path: String) throws(KvError) {
        let probe = try LMDBStore(path: backupDir, options: .init(mapSize: 1 << 20))
        _ = try probe.currentVersionstamp()
        probe.close()
        LMDBEnvironment.makeDirectories(path)
        let tmp = path + "/data.mdb.restore-tmp"
        try copyFile(backupDir + "/data.mdb", tmp)
        guard rename(tmp, path + "/data.mdb") == 0 else { throw KvError(.io, "rename to \(path)/data.mdb failed: errno \(errno)") }
        unlink(path + "/lock.mdb")
    }

    static func copyFile(_ from: String, _ to: String) throws(KvError) {
        let src = Glibc.open(from, O_RDONLY)
        guard src >= 0 else { throw KvError(.io, "cannot open \(from): errno \(errno)") }
        defer { Glibc.close(src) }
        let dst = Glibc.open(to, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard dst >= 0 else { throw KvError(.io, "cannot create \(to): errno \(errno)") }
        defer { Glibc.close(dst) }
        var buf = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = Glibc.read(src, &buf, buf.count)
            if n == 0 { break }
            guard n > 0 else { throw KvError(.io, "read \(from) failed: errno \(errno)") }
            var off = 0
            while off < n {
                let w = buf[off..<n].withUnsafeBytes { Glibc.write(dst, $0.baseAddress, $0.count) }
                guard w > 0 else { throw KvError(.io, "write \(to) failed: errno \(errno)") }
                off += w
            }
        }
        guard fsync(dst) == 0 else { throw KvError(.io, "fsync \(to) failed: errno \(errno)") }
    }
}

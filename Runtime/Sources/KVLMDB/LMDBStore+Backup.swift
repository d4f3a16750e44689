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
    /// `backup(to:)`), refusing, with nothing changed, when:
    /// - `backupDir` holds no `data.mdb`, or one that is not an LMDB environment of our schema
    ///   (checked read-only, so a mistyped folder is never created or emptied);
    /// - any process has the store at `path` open (a server that would go on acknowledging writes
    ///   into the replaced file).
    /// The backup is copied to a temporary name and fsynced, the current `data.mdb` is kept as
    /// `data.mdb.before-restore` (replacing an older one), and one `rename` swaps the new file in, so a
    /// crash leaves the old database or the new one. `lock.mdb` is left alone: LMDB resets it when the
    /// next process opens the store. Returns the path of the kept database, if there was one.
    @discardableResult
    public static func restore(from backupDir: String, to path: String) throws(KvError) -> String? {
        try LMDBBackupCheck.verify(backup: backupDir)
        if let pid = LMDBBackupCheck.openingProcess(of: path) {
            throw KvError(.io, "the store at \(path) is open in process \(pid): stop every server using it, then restore")
        }
        LMDBEnvironment.makeDirectories(path)
        let tmp = path + "/data.mdb.restore-tmp"
        try copyFile(backupDir + "/data.mdb", tmp)
        var kept: String? = nil
        if access(path + "/data.mdb", F_OK) == 0 {
            let old = path + "/data.mdb.before-restore"
            unlink(old)
            guard link(path + "/data.mdb", old) == 0 else {
                unlink(tmp)
                throw KvError(.io, "cannot keep the current database as \(old): errno \(errno)")
            }
            kept = old
        }
        guard rename(tmp, path + "/data.mdb") == 0 else {
            unlink(tmp)
            throw KvError(.io, "rename to \(path)/data.mdb failed: errno \(errno)")
        }
        let dirFd = Glibc.open(path, O_RDONLY)
        if dirFd >= 0 { fsync(dirFd); Glibc.close(dirFd) }
        return kept
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

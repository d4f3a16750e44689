internal import CLMDB
import KV
#if canImport(Glibc)
import Glibc
#endif

/// Checks that `edge kv restore` needs before it touches a data directory.
enum LMDBBackupCheck {
    /// The named databases every KV environment holds (see `LMDBDatabases`).
    static let schema = ["data", "long", "expiry", "meta", "queue", "running"]

    /// Throws unless `dir/data.mdb` is a regular file that opens as an LMDB environment holding every
    /// database of our schema. Read-only and without a lock file: the backup is left exactly as it was.
    static func verify(backup dir: String) throws(KvError) {
        var st = stat()
        guard stat(dir + "/data.mdb", &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            throw KvError(.invalidInput, "no backup at \(dir): \(dir)/data.mdb does not exist (write one with `edge kv backup DIR`)")
        }
        var e: OpaquePointer?
        do {
            try LMDBError.check(mdb_env_create(&e), "mdb_env_create")
            defer { mdb_env_close(e) }
            try LMDBError.check(mdb_env_set_maxdbs(e, 8), "mdb_env_set_maxdbs")
            try LMDBError.check(mdb_env_open(e, dir, UInt32(MDB_RDONLY | MDB_NOLOCK | MDB_NOTLS), 0o644), "mdb_env_open(\(dir))")
            var txn: OpaquePointer?
            try LMDBError.check(mdb_txn_begin(e, nil, UInt32(MDB_RDONLY), &txn), "mdb_txn_begin")
            defer { mdb_txn_abort(txn) }
            for name in schema {
                var dbi: MDB_dbi = 0
                try LMDBError.check(mdb_dbi_open(txn, name, 0, &dbi), "database '\(name)'")
            }
        } catch {
            throw KvError(.invalidInput, "\(dir) is not a KV backup: \(error)")
        }
    }

    /// The pid of a process that has the environment in `dir` open (LMDB holds a shared lock on the
    /// first byte of `lock.mdb` while it does), or nil when none does. Our own process's locks are not
    /// seen: call it before opening the store here.
    static func openingProcess(of dir: String) -> pid_t? {
        let fd = open(dir + "/lock.mdb", O_RDWR)
        guard fd >= 0 else { return nil }  // no lock file: never opened, or not an environment
        defer { close(fd) }
        var probe = flock()
        probe.l_type = Int16(F_WRLCK)
        probe.l_whence = Int16(SEEK_SET)
        probe.l_start = 0
        probe.l_len = 1
        guard fcntl(fd, F_GETLK, &probe) == 0 else { return nil }
        return probe.l_type == Int16(F_UNLCK) ? nil : probe.l_pid
    }
}

internal import CLMDB
import KV

/// A raw view of bytes owned by LMDB; valid only until the transaction that produced it ends.
typealias LMDBBytes = UnsafeRawBufferPointer

/// An LMDB transaction, bound to the thread that runs the closure it is lent to.
///
/// It is `~Copyable` and only ever lent (`borrowing`) to synchronous closures
/// (`LMDBEnvironment.withReadTxn`, the writer thread's batch), and every method is `noasync`, so a
/// transaction can neither escape nor be used across an `await`: thread-bound misuse is a compile
/// error.
struct LMDBTxn: ~Copyable {
    let raw: OpaquePointer
    let readOnly: Bool

    @available(*, noasync)
    func get(_ dbi: MDB_dbi, _ key: [UInt8]) throws(LMDBError) -> LMDBBytes? {
        var k = MDB_val(), v = MDB_val()
        let rc = key.withUnsafeBytes { kp -> Int32 in
            k = CLMDB_val(kp.baseAddress, kp.count)
            return mdb_get(raw, dbi, &k, &v)
        }
        if rc == MDB_NOTFOUND { return nil }
        try LMDBError.check(rc, "mdb_get")
        return LMDBBytes(start: v.mv_data, count: v.mv_size)
    }

    @available(*, noasync)
    func put(_ dbi: MDB_dbi, _ key: [UInt8], _ value: [UInt8]) throws(LMDBError) {
        precondition(!readOnly)
        let rc = key.withUnsafeBytes { kp in
            value.withUnsafeBytes { vp -> Int32 in
                var k = CLMDB_val(kp.baseAddress, kp.count)
                var v = CLMDB_val(vp.baseAddress, vp.count)
                return mdb_put(raw, dbi, &k, &v, 0)
            }
        }
        try LMDBError.check(rc, "mdb_put")
    }

    /// Deletes `key`; returns false if it did not exist.
    @available(*, noasync)
    @discardableResult
    func delete(_ dbi: MDB_dbi, _ key: [UInt8]) throws(LMDBError) -> Bool {
        precondition(!readOnly)
        let rc = key.withUnsafeBytes { kp -> Int32 in
            var k = CLMDB_val(kp.baseAddress, kp.count)
            return mdb_del(raw, dbi, &k, nil)
        }
        if rc == MDB_NOTFOUND { return false }
        try LMDBError.check(rc, "mdb_del")
        return true
    }

    /// Number of entries in a database.
    @available(*, noasync)
    func entryCount(_ dbi: MDB_dbi) throws(LMDBError) -> Int {
        var st = MDB_stat()
        try LMDBError.check(mdb_stat(raw, dbi, &st), "mdb_stat")
        return st.ms_entries
    }

    /// Opens a cursor on `dbi`, owned by the (synchronous) caller and closed when it goes out of scope.
    @available(*, noasync)
    func openCursor(_ dbi: MDB_dbi) throws(KvError) -> LMDBCursor {
        var c: OpaquePointer?
        do { try LMDBError.check(mdb_cursor_open(raw, dbi, &c), "mdb_cursor_open") } catch { throw KvError(error) }
        return LMDBCursor(raw: c!)
    }

    /// Lends a cursor on `dbi` to `body`.
    @available(*, noasync)
    func withCursor<R>(_ dbi: MDB_dbi, _ body: (borrowing LMDBCursor) throws(KvError) -> R) throws(KvError) -> R {
        var c: OpaquePointer?
        do { try LMDBError.check(mdb_cursor_open(raw, dbi, &c), "mdb_cursor_open") } catch { throw KvError(error) }
        let cursor = LMDBCursor(raw: c!)
        return try body(cursor)
    }
}

/// An LMDB cursor, closed when it goes out of scope. Same confinement rules as `LMDBTxn`.
struct LMDBCursor: ~Copyable {
    let raw: OpaquePointer

    deinit { mdb_cursor_close(raw) }

    /// Moves the cursor; nil at the end (MDB_NOTFOUND).
    @available(*, noasync)
    func move(_ op: MDB_cursor_op) throws(KvError) -> (key: LMDBBytes, value: LMDBBytes)? {
        var k = MDB_val(), v = MDB_val()
        let rc = mdb_cursor_get(raw, &k, &v, op)
        if rc == MDB_NOTFOUND { return nil }
        do { try LMDBError.check(rc, "mdb_cursor_get") } catch { throw KvError(error) }
        return (LMDBBytes(start: k.mv_data, count: k.mv_size), LMDBBytes(start: v.mv_data, count: v.mv_size))
    }

    /// Positions at the first key >= `key` (an empty key means the first entry).
    @available(*, noasync)
    func seek(_ key: [UInt8]) throws(KvError) -> (key: LMDBBytes, value: LMDBBytes)? {
        if key.isEmpty { return try move(MDB_FIRST) }
        var k = MDB_val(), v = MDB_val()
        let rc = key.withUnsafeBytes { kp -> Int32 in
            k = CLMDB_val(kp.baseAddress, kp.count)
            return mdb_cursor_get(raw, &k, &v, MDB_SET_RANGE)
        }
        if rc == MDB_NOTFOUND { return nil }
        do { try LMDBError.check(rc, "mdb_cursor_get(SET_RANGE)") } catch { throw KvError(error) }
        return (LMDBBytes(start: k.mv_data, count: k.mv_size), LMDBBytes(start: v.mv_data, count: v.mv_size))
    }

    /// Deletes the entry under the cursor (write transactions only).
    @available(*, noasync)
    func deleteCurrent() throws(KvError) {
        do { try LMDBError.check(mdb_cursor_del(raw, 0), "mdb_cursor_del") } catch { throw KvError(error) }
    }
}

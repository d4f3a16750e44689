internal import CLMDB
import KV

/// An LMDB return code with the call that produced it. The only place LMDB codes are interpreted.
struct LMDBError: Error, CustomStringConvertible {
    let code: Int32
    let context: String

    var isMapFull: Bool { code == MDB_MAP_FULL }
    var isMapResized: Bool { code == MDB_MAP_RESIZED }

    var description: String {
        "\(context): \(String(cString: mdb_strerror(code))) (\(code))"
    }

    /// The public error for this code.
    var kvError: KvError {
        switch code {
        case MDB_MAP_FULL:
            return KvError(.mapFull, "KV database is full (MDB_MAP_FULL during \(context)); the map could not grow further — raise maxMapSize")
        case MDB_READERS_FULL:
            return KvError(.storage, "too many concurrent KV readers (MDB_READERS_FULL during \(context))")
        case MDB_CORRUPTED, MDB_PAGE_NOTFOUND, MDB_INVALID, MDB_VERSION_MISMATCH:
            return KvError(.corrupt, "KV database file is corrupt or incompatible: \(description)")
        default:
            return KvError(.storage, "LMDB error: \(description)")
        }
    }

    /// Checks a return code: 0 passes, anything else throws with `context`.
    @inline(__always)
    static func check(_ rc: Int32, _ context: @autoclosure () -> String) throws(LMDBError) {
        if rc != 0 { throw LMDBError(code: rc, context: context()) }
    }
}

extension KvError {
    init(_ e: LMDBError) { self = e.kvError }
}

#ifndef CLMDB_H
#define CLMDB_H
/// Thin shim over the system liblmdb (Debian's liblmdb-dev, 0.9.x, max key 511 bytes).
/// Swift code imports this module `internal` only, inside KVLMDB.
#include <lmdb.h>
#include <stddef.h>

/// Builds an MDB_val pointing at caller-owned memory (no copy).
static inline MDB_val CLMDB_val(const void *data, size_t size) {
    MDB_val v; v.mv_size = size; v.mv_data = (void *)data; return v;
}
#endif

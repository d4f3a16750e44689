#ifndef CFILESYNC_H
#define CFILESYNC_H

#include <stdint.h>

/// Linux `sync_file_range(2)`, which Swift's Glibc module does not import (it needs _GNU_SOURCE).
/// Every symbol is prefixed; each returns 0 or an errno value (never -1 with errno set).

/// Starts writeback of the dirty pages in [offset, offset + count) without waiting for it.
int CFileSync_startWriteback(int fd, int64_t offset, int64_t count);

/// Starts writeback of [offset, offset + count) and waits until every page of it is written.
/// Not a durability barrier (no metadata, no device cache flush): `fsync` stays the commit.
int CFileSync_awaitWriteback(int fd, int64_t offset, int64_t count);

#endif

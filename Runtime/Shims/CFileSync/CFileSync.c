#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include "CFileSync.h"

static int run(int fd, int64_t offset, int64_t count, unsigned int flags) {
    for (;;) {
        if (sync_file_range(fd, (off64_t)offset, (off64_t)count, flags) == 0) return 0;
        if (errno != EINTR) return errno;
    }
}

int CFileSync_startWriteback(int fd, int64_t offset, int64_t count) {
    return run(fd, offset, count, SYNC_FILE_RANGE_WRITE);
}

int CFileSync_awaitWriteback(int fd, int64_t offset, int64_t count) {
    return run(fd, offset, count, SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
}

#define _GNU_SOURCE
#include "CProcess.h"
#include <errno.h>
#include <sys/socket.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

int CProcess_setParentDeathSignal(int signal) {
#ifdef __linux__
    return prctl(PR_SET_PDEATHSIG, (unsigned long)signal, 0, 0, 0);
#else
    (void)signal;
    errno = ENOSYS;
    return -1;
#endif
}

int CProcess_acceptNonBlocking(int listenFD) {
    return accept4(listenFD, 0, 0, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

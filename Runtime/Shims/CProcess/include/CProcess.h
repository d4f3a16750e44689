#ifndef CPROCESS_H
#define CPROCESS_H

/// Process controls Swift cannot call directly (prctl is variadic). Every symbol is prefixed.

/// The signal this process receives when its parent exits (Linux `PR_SET_PDEATHSIG`); 0 or -1 (errno set).
int CProcess_setParentDeathSignal(int signal);

/// `accept4` with `SOCK_NONBLOCK | SOCK_CLOEXEC` (glibc declares it under _GNU_SOURCE only): the new
/// descriptor, or -1 with errno set.
int CProcess_acceptNonBlocking(int listenFD);

#endif

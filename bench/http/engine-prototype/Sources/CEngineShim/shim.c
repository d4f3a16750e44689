#define _GNU_SOURCE
#include "CEngineShim.h"
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

int ces_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }
int ces_wake_fd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

int ces_epoll_watch(int epfd, int fd, uint32_t events, int modify) {
    struct epoll_event event = { .events = events, .data = { .fd = fd } };
    return epoll_ctl(epfd, modify ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &event);
}

int ces_epoll_wait(int epfd, struct epoll_event *events, int capacity, int timeout_ms) {
    return epoll_wait(epfd, events, capacity, timeout_ms);
}

int ces_event_fd(const struct epoll_event *events, int index) { return events[index].data.fd; }
uint32_t ces_event_flags(const struct epoll_event *events, int index) { return events[index].events; }

int ces_accept(int listen_fd) { return accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC); }

long ces_find_blank_line(const void *bytes, size_t length) {
    const char *hit = memmem(bytes, length, "\r\n\r\n", 4);
    return hit ? (long)(hit - (const char *)bytes) : -1;
}

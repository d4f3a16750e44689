// The Linux calls the epoll prototype needs that Swift's Glibc module does not export (GNU extensions and
// <sys/epoll.h>), behind prefixed names.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>

enum {
    ces_in = EPOLLIN, ces_out = EPOLLOUT, ces_hup = EPOLLHUP, ces_err = EPOLLERR,
};

int ces_epoll_create(void);
/// A non-blocking, close-on-exec eventfd (the loop's wake-up).
int ces_wake_fd(void);
/// Adds (modify == 0) or modifies the watch of `fd` for `events`, with `fd` as the event's data.
int ces_epoll_watch(int epfd, int fd, uint32_t events, int modify);
int ces_epoll_wait(int epfd, struct epoll_event *events, int capacity, int timeout_ms);
int ces_event_fd(const struct epoll_event *events, int index);
uint32_t ces_event_flags(const struct epoll_event *events, int index);
/// accept4 with SOCK_NONBLOCK | SOCK_CLOEXEC.
int ces_accept(int listen_fd);
/// The offset of the first "\r\n\r\n" in bytes[0..<length], or -1.
long ces_find_blank_line(const void *bytes, size_t length);

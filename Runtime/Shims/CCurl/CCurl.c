// libcurl is loaded on first use with dlopen, not linked: a process that never fetches (most cold
// starts) skips the dynamic loader's work for libcurl's ~25 shared libraries (bench/http/coldstart.sh).
// The curl_* functions Swift calls are defined here and forward to the loaded library; the variadic
// setopt/getinfo entry points are only reached through the typed CCurl_ wrappers.
#include "CCurl.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

static struct {
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *);
    void (*easy_reset)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    CURLcode (*easy_pause)(CURL *, int);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    CURLM *(*multi_init)(void);
    CURLMcode (*multi_cleanup)(CURLM *);
    CURLMcode (*multi_add_handle)(CURLM *, CURL *);
    CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
    CURLMcode (*multi_perform)(CURLM *, int *);
    CURLMcode (*multi_poll)(CURLM *, struct curl_waitfd *, unsigned int, int, int *);
    CURLMcode (*multi_wakeup)(CURLM *);
    CURLMsg *(*multi_info_read)(CURLM *, int *);
    CURLMcode (*multi_setopt)(CURLM *, CURLMoption, ...);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} lib;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int load_ok = 0;

#define CCURL_SYM(field, name)                                                            \
    if ((*(void **)(&lib.field) = dlsym(handle, name)) == NULL) {                         \
        fprintf(stderr, "edge: libcurl has no %s: %s\n", name, dlerror());                \
        return;                                                                           \
    }

static void load(void) {
    void *handle = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) handle = dlopen("libcurl.so", RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        fprintf(stderr, "edge: cannot load libcurl (install libcurl4): %s\n", dlerror());
        return;
    }
    CCURL_SYM(global_init, "curl_global_init")
    CCURL_SYM(easy_init, "curl_easy_init")
    CCURL_SYM(easy_cleanup, "curl_easy_cleanup")
    CCURL_SYM(easy_reset, "curl_easy_reset")
    CCURL_SYM(easy_strerror, "curl_easy_strerror")
    CCURL_SYM(easy_pause, "curl_easy_pause")
    CCURL_SYM(easy_setopt, "curl_easy_setopt")
    CCURL_SYM(easy_getinfo, "curl_easy_getinfo")
    CCURL_SYM(multi_init, "curl_multi_init")
    CCURL_SYM(multi_cleanup, "curl_multi_cleanup")
    CCURL_SYM(multi_add_handle, "curl_multi_add_handle")
    CCURL_SYM(multi_remove_handle, "curl_multi_remove_handle")
    CCURL_SYM(multi_perform, "curl_multi_perform")
    CCURL_SYM(multi_poll, "curl_multi_poll")
    CCURL_SYM(multi_wakeup, "curl_multi_wakeup")
    CCURL_SYM(multi_info_read, "curl_multi_info_read")
    CCURL_SYM(multi_setopt, "curl_multi_setopt")
    CCURL_SYM(slist_append, "curl_slist_append")
    CCURL_SYM(slist_free_all, "curl_slist_free_all")
    load_ok = 1;
}

/// 1 once libcurl is loaded with every symbol this shim uses; 0 if it cannot be.
static int ready(void) {
    pthread_once(&load_once, load);
    return load_ok;
}

static pthread_once_t ccurl_once = PTHREAD_ONCE_INIT;
static CURLcode ccurl_init_result = CURLE_FAILED_INIT;

static void ccurl_global_init(void) {
    if (ready()) ccurl_init_result = lib.global_init(CURL_GLOBAL_ALL);
}

CURLcode CCurl_global_init_once(void) {
    pthread_once(&ccurl_once, ccurl_global_init);
    return ccurl_init_result;
}

// MARK: Forwarders for the functions Swift calls (declared by curl.h).

CURL *curl_easy_init(void) { return ready() ? lib.easy_init() : NULL; }
void curl_easy_cleanup(CURL *easy) { if (ready()) lib.easy_cleanup(easy); }
void curl_easy_reset(CURL *easy) { if (ready()) lib.easy_reset(easy); }
const char *curl_easy_strerror(CURLcode code) { return ready() ? lib.easy_strerror(code) : "libcurl is not available"; }
CURLcode curl_easy_pause(CURL *easy, int bitmask) { return ready() ? lib.easy_pause(easy, bitmask) : CURLE_FAILED_INIT; }
CURLM *curl_multi_init(void) { return ready() ? lib.multi_init() : NULL; }
CURLMcode curl_multi_cleanup(CURLM *multi) { return ready() ? lib.multi_cleanup(multi) : CURLM_INTERNAL_ERROR; }
CURLMcode curl_multi_add_handle(CURLM *multi, CURL *easy) { return ready() ? lib.multi_add_handle(multi, easy) : CURLM_INTERNAL_ERROR; }
CURLMcode curl_multi_remove_handle(CURLM *multi, CURL *easy) { return ready() ? lib.multi_remove_handle(multi, easy) : CURLM_INTERNAL_ERROR; }
CURLMcode curl_multi_perform(CURLM *multi, int *running) { return ready() ? lib.multi_perform(multi, running) : CURLM_INTERNAL_ERROR; }
CURLMcode curl_multi_poll(CURLM *multi, struct curl_waitfd extra_fds[], unsigned int extra_nfds, int timeout_ms, int *ret) {
    return ready() ? lib.multi_poll(multi, extra_fds, extra_nfds, timeout_ms, ret) : CURLM_INTERNAL_ERROR;
}
CURLMcode curl_multi_wakeup(CURLM *multi) { return ready() ? lib.multi_wakeup(multi) : CURLM_INTERNAL_ERROR; }
struct curl_slist *curl_slist_append(struct curl_slist *list, const char *data) { return ready() ? lib.slist_append(list, data) : NULL; }
void curl_slist_free_all(struct curl_slist *list) { if (ready()) lib.slist_free_all(list); }

// MARK: Typed wrappers for the variadic entry points.

CURLcode CCurl_easy_setopt_long(CURL *easy, CURLoption option, long value) {
    return ready() ? lib.easy_setopt(easy, option, value) : CURLE_FAILED_INIT;
}
CURLcode CCurl_easy_setopt_off_t(CURL *easy, CURLoption option, curl_off_t value) {
    return ready() ? lib.easy_setopt(easy, option, value) : CURLE_FAILED_INIT;
}
CURLcode CCurl_easy_setopt_string(CURL *easy, CURLoption option, const char *value) {
    return ready() ? lib.easy_setopt(easy, option, value) : CURLE_FAILED_INIT;
}
CURLcode CCurl_easy_setopt_pointer(CURL *easy, CURLoption option, void *value) {
    return ready() ? lib.easy_setopt(easy, option, value) : CURLE_FAILED_INIT;
}
CURLcode CCurl_easy_setopt_slist(CURL *easy, CURLoption option, struct curl_slist *value) {
    return ready() ? lib.easy_setopt(easy, option, value) : CURLE_FAILED_INIT;
}
CURLcode CCurl_easy_setopt_callback(CURL *easy, CURLoption option, CCurl_data_callback value) {
    return ready() ? lib.easy_setopt(easy, option, value) : CURLE_FAILED_INIT;
}
CURLcode CCurl_easy_getinfo_long(CURL *easy, CURLINFO info, long *value) {
    return ready() ? lib.easy_getinfo(easy, info, value) : CURLE_FAILED_INIT;
}
CURLcode CCurl_easy_getinfo_string(CURL *easy, CURLINFO info, const char **value) {
    return ready() ? lib.easy_getinfo(easy, info, value) : CURLE_FAILED_INIT;
}
CURLMcode CCurl_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
    return ready() ? lib.multi_setopt(multi, option, value) : CURLM_INTERNAL_ERROR;
}

int CCurl_multi_next_done(CURLM *multi, CURL **easy, CURLcode *result) {
    if (!ready()) return 0;
    int queued = 0;
    CURLMsg *msg;
    while ((msg = lib.multi_info_read(multi, &queued)) != NULL) {
        if (msg->msg == CURLMSG_DONE) {
            *easy = msg->easy_handle;
            *result = msg->data.result;
            return 1;
        }
    }
    return 0;
}

// CCurl: the thin C shim between the Fetch module and libcurl.
//
// libcurl's setopt/getinfo entry points are variadic and cannot be called from Swift, so this
// header declares one typed, non-variadic wrapper per argument type. Every symbol is prefixed
// with `CCurl_`. Import this module `internal` only (see STYLE.md, principle 3).
#ifndef CCURL_H
#define CCURL_H

#include <curl/curl.h>
#include <stddef.h>

/// The shape shared by CURLOPT_WRITEFUNCTION, CURLOPT_HEADERFUNCTION and CURLOPT_READFUNCTION.
typedef size_t (*CCurl_data_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);

/// Return values that curl callbacks use to pause a direction (macros are not imported reliably).
static const size_t CCurl_WRITEFUNC_PAUSE = CURL_WRITEFUNC_PAUSE;
static const size_t CCurl_READFUNC_PAUSE = CURL_READFUNC_PAUSE;
static const size_t CCurl_READFUNC_ABORT = CURL_READFUNC_ABORT;
static const int CCurl_PAUSE_RECV = CURLPAUSE_RECV;
static const int CCurl_PAUSE_SEND = CURLPAUSE_SEND;
static const int CCurl_ERROR_SIZE = CURL_ERROR_SIZE;

/// Calls `curl_global_init(CURL_GLOBAL_ALL)` exactly once per process (thread-safe).
CURLcode CCurl_global_init_once(void);

CURLcode CCurl_easy_setopt_long(CURL *easy, CURLoption option, long value);
CURLcode CCurl_easy_setopt_off_t(CURL *easy, CURLoption option, curl_off_t value);
CURLcode CCurl_easy_setopt_string(CURL *easy, CURLoption option, const char *value);
CURLcode CCurl_easy_setopt_pointer(CURL *easy, CURLoption option, void *value);
CURLcode CCurl_easy_setopt_slist(CURL *easy, CURLoption option, struct curl_slist *value);
CURLcode CCurl_easy_setopt_callback(CURL *easy, CURLoption option, CCurl_data_callback value);

CURLcode CCurl_easy_getinfo_long(CURL *easy, CURLINFO info, long *value);
CURLcode CCurl_easy_getinfo_string(CURL *easy, CURLINFO info, const char **value);

CURLMcode CCurl_multi_setopt_long(CURLM *multi, CURLMoption option, long value);

/// Pops the next finished transfer from `curl_multi_info_read`.
/// Returns 1 and fills `easy`/`result` for a CURLMSG_DONE message, 0 when none is left.
int CCurl_multi_next_done(CURLM *multi, CURL **easy, CURLcode *result);

#endif

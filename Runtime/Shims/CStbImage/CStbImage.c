// stb_image from Debian's libstb-dev, compiled here with only PNG and JPEG, from memory, every stbi_*
// symbol static, and its allocations routed through a per-thread byte budget (see CStbImage.h).
#include "CStbImage.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>

/// Bytes the current decode may still allocate; SIZE_MAX outside a decode.
static _Thread_local size_t cstbimage_remaining = SIZE_MAX;

/// Each block carries its size in front, so that frees and reallocations give the budget back.
typedef struct { size_t size; size_t pad; } cstbimage_header;
_Static_assert(sizeof(cstbimage_header) == 16, "keep blocks 16-byte aligned");

static void *cstbimage_malloc(size_t size) {
    if (size > cstbimage_remaining || size > SIZE_MAX - sizeof(cstbimage_header)) return NULL;
    cstbimage_header *h = malloc(sizeof(cstbimage_header) + size);
    if (h == NULL) return NULL;
    h->size = size;
    cstbimage_remaining -= size;
    return h + 1;
}

static void cstbimage_release(void *p) {
    if (p == NULL) return;
    cstbimage_header *h = (cstbimage_header *)p - 1;
    if (cstbimage_remaining != SIZE_MAX) cstbimage_remaining += h->size;
    free(h);
}

static void *cstbimage_realloc(void *p, size_t size) {
    if (p == NULL) return cstbimage_malloc(size);
    cstbimage_header *h = (cstbimage_header *)p - 1;
    size_t old = h->size;
    if (size > old && (size - old > cstbimage_remaining || size > SIZE_MAX - sizeof(cstbimage_header))) return NULL;
    cstbimage_header *n = realloc(h, sizeof(cstbimage_header) + size);
    if (n == NULL) return NULL;
    if (size > old) cstbimage_remaining -= size - old; else cstbimage_remaining += old - size;
    n->size = size;
    return n + 1;
}

#define stbi__g_failure_reason cstbimage_failure_reason
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#define STBI_NO_STDIO
#define STBI_NO_LINEAR
#define STBI_NO_HDR
#define STBI_MAX_DIMENSIONS 65536
#define STBI_MALLOC(size) cstbimage_malloc(size)
#define STBI_REALLOC(p, size) cstbimage_realloc(p, size)
#define STBI_FREE(p) cstbimage_release(p)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include <stb/stb_image.h>
#pragma GCC diagnostic pop

int CStbImage_info(const unsigned char *bytes, size_t length, CStbImage_Info *info) {
    if (length > INT_MAX) { cstbimage_failure_reason = "too large"; return 0; }
    int w = 0, h = 0, n = 0;
    if (!stbi_info_from_memory(bytes, (int)length, &w, &h, &n)) return 0;
    info->width = w;
    info->height = h;
    info->components = n;
    info->is16Bit = stbi_is_16_bit_from_memory(bytes, (int)length);
    return 1;
}

unsigned char *CStbImage_loadGray(const unsigned char *bytes, size_t length, size_t budget, int *width, int *height) {
    if (length > INT_MAX) { cstbimage_failure_reason = "too large"; return NULL; }
    cstbimage_failure_reason = "";
    int n = 0;
    cstbimage_remaining = budget;
    unsigned char *pixels = stbi_load_from_memory(bytes, (int)length, width, height, &n, 1);
    cstbimage_remaining = SIZE_MAX;
    return pixels;
}

void CStbImage_free(unsigned char *pixels) { stbi_image_free(pixels); }

const char *CStbImage_failureReason(void) {
    const char *r = stbi_failure_reason();
    return r ? r : "";
}

#ifndef CSTBIMAGE_H
#define CSTBIMAGE_H

#include <stddef.h>

/// PNG and JPEG decoding by stb_image, the copy Debian keeps (`libstb-dev`, `<stb/stb_image.h>`),
/// compiled into this shim with every `stbi_*` symbol static: only the prefixed functions below are
/// visible. No other format is compiled in (a GIF, BMP or PSD is "unknown image type").

/// What an image's header says, read without decoding any pixel.
typedef struct {
    int width;
    int height;
    /// Components in the file (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA).
    int components;
    /// 1 when the samples are 16-bit (PNG only).
    int is16Bit;
} CStbImage_Info;

/// Reads the header of a PNG or JPEG in `bytes`. Returns 1 and fills `info`, or 0 when the bytes are not
/// a PNG or JPEG header stb_image accepts (then `CStbImage_failureReason` says why).
int CStbImage_info(const unsigned char *bytes, size_t length, CStbImage_Info *info);

/// Decodes the image to 8-bit gray (one byte per pixel, row-major, `width * height` bytes).
///
/// Every allocation the decoder makes counts against `budget` bytes: past it, the decode fails with
/// "outofmem" instead of allocating (a small header over a zlib stream that inflates without bound
/// cannot exhaust memory). Returns the pixels (free them with `CStbImage_free`) and sets the size,
/// or NULL with `CStbImage_failureReason` set. Thread-safe: the budget and the reason are per thread.
unsigned char *CStbImage_loadGray(const unsigned char *bytes, size_t length, size_t budget, int *width, int *height);

/// Frees pixels returned by `CStbImage_loadGray`.
void CStbImage_free(unsigned char *pixels);

/// stb_image's reason for the last failure on this thread (a short static string), or "" when none.
const char *CStbImage_failureReason(void);

#endif

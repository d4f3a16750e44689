#ifndef CSTBIMAGEWRITE_H
#define CSTBIMAGEWRITE_H

/// PNG and JPEG encoding by stb_image_write (Debian's libstb-dev), for test images only (EdgeTesting).
/// Every `stbi_*` symbol is static; only these prefixed functions are visible.

/// Called with each piece of the encoded file.
typedef void (*CStbImageWrite_Sink)(void *context, void *data, int size);

/// Encodes `width x height` pixels of `components` (1..4) bytes each as PNG; returns 1 on success.
int CStbImageWrite_png(CStbImageWrite_Sink sink, void *context, int width, int height, int components, const void *pixels);

/// Encodes as baseline JPEG at `quality` (1..100); returns 1 on success.
int CStbImageWrite_jpeg(CStbImageWrite_Sink sink, void *context, int width, int height, int components, const void *pixels, int quality);

/// zlib-compresses `length` bytes (stb_image_write's deflate); free the result with `CStbImageWrite_free`.
unsigned char *CStbImageWrite_zlib(const unsigned char *bytes, int length, int *outLength);

void CStbImageWrite_free(unsigned char *bytes);

#endif

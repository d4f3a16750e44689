#include "CStbImageWrite.h"

#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include <stb/stb_image_write.h>
#pragma GCC diagnostic pop

int CStbImageWrite_png(CStbImageWrite_Sink sink, void *context, int width, int height, int components, const void *pixels) {
    return stbi_write_png_to_func(sink, context, width, height, components, pixels, width * components);
}

int CStbImageWrite_jpeg(CStbImageWrite_Sink sink, void *context, int width, int height, int components, const void *pixels, int quality) {
    return stbi_write_jpg_to_func(sink, context, width, height, components, pixels, quality);
}

unsigned char *CStbImageWrite_zlib(const unsigned char *bytes, int length, int *outLength) {
    return stbi_zlib_compress((unsigned char *)bytes, length, outLength, 5);
}

void CStbImageWrite_free(unsigned char *bytes) { STBIW_FREE(bytes); }

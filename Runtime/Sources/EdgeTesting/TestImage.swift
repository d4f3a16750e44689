internal import CStbImageWrite
import FoundationEssentials

/// Real PNG and JPEG files for tests (stb_image_write, as Debian keeps it): gray or RGB pixels in,
/// encoded bytes out.
public enum TestImage {
    /// `width x height` pixels where `pixel(x, y)` gives the gray value.
    public static func gray(width: Int, height: Int, _ pixel: (Int, Int) -> UInt8) -> [UInt8] {
        var p = [UInt8](repeating: 0, count: width * height)
        for y in 0..<height { for x in 0..<width { p[y * width + x] = pixel(x, y) } }
        return p
    }

    /// A PNG of `pixels` (`components` bytes per pixel, row-major).
    public static func png(width: Int, height: Int, components: Int = 1, pixels: [UInt8]) -> [UInt8] {
        encode { sink, ctx in
            pixels.withUnsafeBytes { CStbImageWrite_png(sink, ctx, Int32(width), Int32(height), Int32(components), $0.baseAddress) }
        }
    }

    /// A baseline JPEG of `pixels` at `quality` (1...100).
    public static func jpeg(width: Int, height: Int, components: Int = 1, pixels: [UInt8], quality: Int = 95) -> [UInt8] {
        encode { sink, ctx in
            pixels.withUnsafeBytes { CStbImageWrite_jpeg(sink, ctx, Int32(width), Int32(height), Int32(components), $0.baseAddress, Int32(quality)) }
        }
    }

    /// `data:<mime>;base64,<bytes>`.
    public static func dataURL(_ bytes: [UInt8], mime: String = "image/png") -> String {
        "data:\(mime);base64," + Data(bytes).base64EncodedString()
    }

    private final class Buffer { var bytes: [UInt8] = [] }

    private static func encode(_ body: (CStbImageWrite_Sink, UnsafeMutableRawPointer) -> Int32) -> [UInt8] {
        let buffer = Buffer()
        let ctx = Unmanaged.passUnretained(buffer).toOpaque()
        let ok = withExtendedLifetime(buffer) {
            body({ ctx, data, size in
                guard let ctx, let data, size > 0 else { return }
                let b = Unmanaged<Buffer>.fromOpaque(ctx).takeUnretainedValue()
                b.bytes.append(contentsOf: UnsafeRawBufferPointer(start: data, count: Int(size)))
            }, ctx)
        }
        return ok == 1 ? buffer.bytes : []
    }
}

extension TestImage {
    /// A PNG whose header says `width x height` gray pixels and whose image data is `inflated`
    /// (zlib-compressed here): with more bytes than the header announces, a decompression bomb.
    public static func pngWithImageData(width: Int, height: Int, inflated: [UInt8]) -> [UInt8] {
        var n: Int32 = 0
        let z = inflated.withUnsafeBufferPointer { CStbImageWrite_zlib($0.baseAddress, Int32($0.count), &n) }
        guard let z else { return [] }
        defer { CStbImageWrite_free(z) }
        let idat = Array(UnsafeBufferPointer(start: z, count: Int(n)))
        func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] { be32(data.count) + Array(type.utf8) + data + [0, 0, 0, 0] }
        let ihdr = be32(width) + be32(height) + [8, 0, 0, 0, 0]  // 8-bit gray, no interlace (stb_image skips CRCs)
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", ihdr) + chunk("IDAT", idat) + chunk("IEND", [])
    }
}

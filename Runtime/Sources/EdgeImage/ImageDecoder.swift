internal import CStbImage

/// PNG and JPEG decoding to 8-bit gray, on stb_image as Debian keeps it (Docs/Decisions/0015).
///
/// Untrusted bytes are checked in this order, and each step refuses before the next allocates:
/// 1. the signature: PNG or JPEG, anything else (GIF, WebP, BMP...) is ``ImageDecodeError/unsupportedFormat``;
/// 2. the header, read without decoding a pixel: width and height within ``ImageLimits/maxSide`` and
///    their product within ``ImageLimits/maxPixels`` (a 30000x30000 header is refused here);
/// 3. for a JPEG, its scans (``ImageFormat/jpegScanBound(_:)``) times its pixels within
///    ``ImageLimits/maxScanPixels``: the decode's CPU time, bounded before it starts;
/// 4. the decode, under a byte budget derived from the header: a stream that inflates past what its
///    header announces fails with "outofmem" instead of growing.
///
/// Decoding is CPU-bound: call it from ``CPUWork`` (module EdgeRuntime), never on an event loop.
public enum ImageDecoder {
    /// The format, size and sample layout the header announces.
    public static func header(of bytes: [UInt8]) throws(ImageDecodeError) -> ImageHeader {
        let format = try ImageFormat(sniffing: bytes)
        var info = CStbImage_Info()
        let ok = bytes.withUnsafeBufferPointer { b in CStbImage_info(b.baseAddress, b.count, &info) }
        guard ok == 1, info.width > 0, info.height > 0 else { throw .corrupt(lastReason()) }
        return ImageHeader(format: format, width: Int(info.width), height: Int(info.height),
                           components: Int(info.components), is16Bit: info.is16Bit == 1,
                           interlaced: format == .png && bytes.count > 28 && bytes[28] == 1)  // IHDR (stb requires it first)
    }

    /// Decodes `bytes` to gray after the checks above.
    public static func decodeGray(_ bytes: [UInt8], limits: ImageLimits = .init()) throws(ImageDecodeError) -> GrayImage {
        let header = try header(of: bytes)
        guard header.width <= limits.maxSide, header.height <= limits.maxSide,
              header.width.multipliedReportingOverflow(by: header.height).partialValue <= limits.maxPixels
        else { throw .tooLarge(width: header.width, height: header.height) }
        if header.format == .jpeg {
            let scans = ImageFormat.jpegScanBound(bytes)
            let (work, overflow) = scans.multipliedReportingOverflow(by: header.width * header.height)
            guard !overflow, work <= limits.maxScanPixels else {
                throw .corrupt("\(scans) JPEG scans of \(header.width)x\(header.height) pixels exceed the decode limits")
            }
        }
        let budget = limits.decodeBudget(for: header)
        var width: Int32 = 0, height: Int32 = 0
        let pixels: [UInt8]? = bytes.withUnsafeBufferPointer { b in
            guard let p = CStbImage_loadGray(b.baseAddress, b.count, budget, &width, &height) else { return nil }
            defer { CStbImage_free(p) }
            let count = Int(width) * Int(height)
            return Array(UnsafeBufferPointer(start: p, count: count))
        }
        guard let pixels, Int(width) == header.width, Int(height) == header.height else { throw .corrupt(lastReason()) }
        return GrayImage(width: header.width, height: header.height, pixels: pixels)
    }

    static func lastReason() -> String {
        let r = String(cString: CStbImage_failureReason())
        return r.isEmpty ? "cannot decode image" : r
    }
}

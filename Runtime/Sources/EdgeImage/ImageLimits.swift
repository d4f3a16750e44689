/// How large an image ``ImageDecoder`` agrees to decode. The defaults are the runtime's; apps may pass
/// smaller ones.
public struct ImageLimits: Sendable {
    /// Longest side, in pixels.
    public var maxSide: Int
    /// Most pixels (width x height).
    public var maxPixels: Int
    /// Largest byte budget of one decode, whatever the header says.
    public var maxDecodeBytes: Int
    /// Most JPEG scans times pixels. Each scan of a JPEG walks every block of the image again, so the
    /// decode's CPU time is scans x pixels: a 4096x4096 progressive JPEG repeating one 12-byte scan
    /// 600 000 times (7 MB) would decode for hours, on a thread nothing can cancel.
    public var maxScanPixels: Int

    public init(maxSide: Int = ImageLimits.defaultMaxSide, maxPixels: Int = ImageLimits.defaultMaxPixels,
                maxDecodeBytes: Int = ImageLimits.defaultMaxDecodeBytes,
                maxScanPixels: Int = ImageLimits.defaultMaxScanPixels) {
        self.maxSide = maxSide
        self.maxPixels = maxPixels
        self.maxDecodeBytes = maxDecodeBytes
        self.maxScanPixels = maxScanPixels
    }

    /// 8192 pixels a side.
    public static let defaultMaxSide = 8192
    /// 16.7 megapixels (4096 x 4096).
    public static let defaultMaxPixels = 4096 * 4096
    /// 352 MiB: what the largest image within ``defaultMaxPixels`` needs, with room. A 4096x4096 16-bit
    /// RGBA PNG holds its inflated rows (8 bytes a pixel, plus a filter byte a row) and the decoded
    /// 16-bit image at once: 268.5 MB, just past the 256 MiB this once was (a valid file refused as
    /// "outofmem"); interlaced, also its largest pass (half the image): 335.6 MB. A progressive CMYK
    /// JPEG of that size needs ~218 MB. (One decode runs at a time per spare core, ``CPUWork``.)
    public static let defaultMaxDecodeBytes = 352 << 20
    /// 64 scans of 4096 x 4096 pixels (a 1024 x 1024 image may have 1024). Encoders write 1 scan per
    /// component (baseline) or about 10 (libjpeg's progressive script); optimizers rarely pass 20.
    public static let defaultMaxScanPixels = 64 * 4096 * 4096
    /// Room for the decoder's tables and row buffers beside the image buffers.
    static let decodeSlackBytes = 4 << 20

    /// The bytes a decode of `header` may allocate: its inflated samples, the decoded image, the gray
    /// copy (three image-sized buffers at its sample size, plus slack), capped by ``maxDecodeBytes``.
    ///
    /// stb_image's JPEG header reader reports at most 3 components, but a CMYK or YCCK JPEG has 4, and a
    /// progressive one holds two bytes of coefficients plus one of samples per component and pixel: a
    /// JPEG is therefore budgeted as 4 components whatever its header says.
    ///
    /// An interlaced PNG needs one image-sized buffer more: stb_image sizes its inflate buffer for the
    /// non-interlaced rows, the Adam7 passes' rows are a little longer, so the buffer doubles (2 buffers);
    /// then the de-interlaced image and the largest pass (half an image) live beside it. Budgeted as 3,
    /// interlaced RGB and RGBA PNGs from ~3000x3000 up were refused as "outofmem".
    func decodeBudget(for header: ImageHeader) -> Int {
        let components = header.format == .jpeg ? 4 : max(1, header.components)
        let sampleBytes = components * (header.is16Bit ? 2 : 1)
        let pixels = header.width * header.height  // bounded by maxPixels before this is called
        let buffers = header.interlaced ? 4 : 3
        let (perPixel, o1) = (buffers * sampleBytes + 1).multipliedReportingOverflow(by: pixels)
        if o1 { return maxDecodeBytes }
        return min(maxDecodeBytes, perPixel + Self.decodeSlackBytes)
    }
}

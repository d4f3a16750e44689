@testable import EdgeImage
import EdgeTesting
import Testing

/// The decoder on real PNG and JPEG files, and on hostile ones: every refusal is an error, never a trap
/// or an unbounded allocation.
@Suite struct ImageDecoderTests {
    static let square = TestImage.gray(width: 32, height: 24) { x, y in (8..<20).contains(x) && (4..<12).contains(y) ? 0 : 255 }

    @Test func pngRoundTripsExactly() throws {
        let png = TestImage.png(width: 32, height: 24, pixels: Self.square)
        let header = try ImageDecoder.header(of: png)
        #expect(header == ImageHeader(format: .png, width: 32, height: 24, components: 1, is16Bit: false))
        let image = try ImageDecoder.decodeGray(png)
        #expect(image == GrayImage(width: 32, height: 24, pixels: Self.square))
    }

    @Test func rgbPngIsConvertedToGray() throws {
        var rgb: [UInt8] = []
        for _ in 0..<(4 * 4) { rgb += [255, 255, 255] }
        let image = try ImageDecoder.decodeGray(TestImage.png(width: 4, height: 4, components: 3, pixels: rgb))
        #expect(image.pixels.allSatisfy { $0 >= 254 })
    }

    @Test func jpegDecodesToItsSizeAndRoughlyItsPixels() throws {
        let jpeg = TestImage.jpeg(width: 32, height: 24, pixels: Self.square, quality: 100)
        #expect(try ImageDecoder.header(of: jpeg).format == .jpeg)
        let image = try ImageDecoder.decodeGray(jpeg)
        #expect(image.width == 32 && image.height == 24)
        #expect(image.pixels[0] > 200 && image.pixels[6 * 32 + 12] < 60)
    }

    @Test func otherFormatsAreRefusedByTheirSignature() {
        #expect(throws: ImageDecodeError.unsupportedFormat("gif")) { try ImageDecoder.decodeGray(Array("GIF89a\u{1}\u{0}\u{1}\u{0}".utf8)) }
        #expect(throws: ImageDecodeError.unsupportedFormat("webp")) { try ImageDecoder.decodeGray(Array("RIFF\0\0\0\0WEBPVP8 ".utf8)) }
        #expect(throws: ImageDecodeError.unsupportedFormat("unknown")) { try ImageDecoder.decodeGray(Array("hello".utf8)) }
        #expect(throws: ImageDecodeError.empty) { try ImageDecoder.decodeGray([]) }
    }

    /// A progressive 4-component (CMYK) JPEG of 1300x1300: SOI, DQT, SOF2, EOI (95 bytes; stb_image
    /// decodes a progressive frame without scans to its all-zero coefficients). stb's header reader says
    /// 3 components for it, and its coefficient buffers (2 bytes per component and pixel) plus samples
    /// need ~13 bytes a pixel: the budget once derived from "3 components" refused it as "outofmem".
    static let progressiveCMYK: [UInt8] = {
        var b: [UInt8] = [0xFF, 0xD8, 0xFF, 0xDB, 0x00, 0x43, 0x00] + [UInt8](repeating: 1, count: 64)
        b += [0xFF, 0xC2, 0x00, 0x14, 0x08, 0x05, 0x14, 0x05, 0x14, 0x04]  // 8-bit, 1300x1300, 4 components
        for id: UInt8 in 1...4 { b += [id, 0x11, 0x00] }
        return b + [0xFF, 0xD9]
    }()

    @Test func progressiveCMYKJpegFitsItsBudget() throws {
        #expect(try ImageDecoder.header(of: Self.progressiveCMYK).width == 1300)
        let image = try ImageDecoder.decodeGray(Self.progressiveCMYK)
        #expect(image.width == 1300 && image.height == 1300 && image.pixels.count == 1300 * 1300)
    }

    /// Every scan walks the whole image again: a JPEG that repeats its scan is a CPU bomb (a 4096x4096
    /// one repeating a 12-byte scan 500 times decoded for 31 s in a debug build; 10 MB of them, hours).
    /// Scans x pixels is bounded before decoding.
    @Test func jpegScansTimesPixelsAreBounded() throws {
        let jpeg = TestImage.jpeg(width: 64, height: 64, pixels: TestImage.gray(width: 64, height: 64) { x, _ in x < 32 ? 0 : 255 })
        let sos = try #require(jpeg.indices.first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xDA })
        let scan = Array(jpeg[sos..<(jpeg.count - 2)])  // SOS header and its entropy-coded data, up to EOI
        let repeated = Array(jpeg[..<sos]) + Array(repeatElement(scan, count: 20).joined()) + [0xFF, 0xD9]
        #expect(ImageFormat.jpegScanBound(jpeg) == 1 && ImageFormat.jpegScanBound(repeated) == 20)
        #expect(try ImageDecoder.decodeGray(repeated).width == 64, "a repeated scan decodes: the bomb is real")
        let tight = ImageLimits(maxScanPixels: 19 * 64 * 64)
        #expect(throws: ImageDecodeError.corrupt("20 JPEG scans of 64x64 pixels exceed the decode limits")) {
            try ImageDecoder.decodeGray(repeated, limits: tight)
        }
        #expect(try ImageDecoder.decodeGray(jpeg, limits: tight).width == 64)

        // Under the default limits a 4096x4096 frame may have 64 scans, not 65 (refused before any decoding).
        func frame(scans: Int) -> [UInt8] {
            var b: [UInt8] = [0xFF, 0xD8, 0xFF, 0xC2, 0x00, 0x0B, 0x08, 0x10, 0x00, 0x10, 0x00, 0x01, 0x01, 0x11, 0x00]
            for _ in 0..<scans { b += [0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00] }
            return b + [0xFF, 0xD9]
        }
        #expect(throws: ImageDecodeError.corrupt("65 JPEG scans of 4096x4096 pixels exceed the decode limits")) {
            try ImageDecoder.decodeGray(frame(scans: 65))
        }
        #expect(ImageFormat.jpegScanBound(frame(scans: 64)) == 64)
        #expect(64 * 4096 * 4096 <= ImageLimits().maxScanPixels, "64 scans pass this check")
    }

    /// The largest images the default limits admit must fit their decode budget: a 4096x4096 16-bit RGBA
    /// PNG needs its inflated rows and its 16-bit image at once (268.5 MB, past the 256 MiB cap this had:
    /// a valid file refused as "outofmem"), interlaced also its largest pass (half the image); a
    /// progressive CMYK JPEG of that size needs ~13 bytes a pixel.
    /// (The files themselves are 130 KB or more; the probe that found it is in the commit message.)
    @Test func theLargestAdmittedImagesFitTheirBudget() {
        let limits = ImageLimits()
        let side = 4096
        let png16 = ImageHeader(format: .png, width: side, height: side, components: 4, is16Bit: true)
        let rows = (side * 8 + 1) * side, image16 = side * side * 8, filterRows = 2 * side * 8
        #expect(limits.decodeBudget(for: png16) >= rows + image16 + filterRows + (1 << 20))
        #expect(limits.decodeBudget(for: png16) >= rows + image16 + image16 / 2 + filterRows + (1 << 20), "interlaced")
        let jpeg = ImageHeader(format: .jpeg, width: side, height: side, components: 3, is16Bit: false)
        #expect(limits.decodeBudget(for: jpeg) >= 4 * 3 * side * side + side * side + (1 << 20))
    }

    /// An Adam7-interlaced RGBA PNG of 2600x2600 (valid; Pillow opens it): stb's inflate buffer doubles
    /// past its non-interlaced guess and the de-interlaced image and a pass live beside it. The budget
    /// of a non-interlaced file refused it as "outofmem" (RGB and RGBA from ~3000x3000 up in the probe).
    @Test func largeInterlacedRGBAPngDecodes() throws {
        let w = 2600, h = 2600
        var size = 0
        for (x0, y0, dx, dy) in [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)] {
            let pw = (w - x0 + dx - 1) / dx, ph = (h - y0 + dy - 1) / dy
            if pw > 0 && ph > 0 { size += ph * (1 + pw * 4) }
        }
        var png = TestImage.pngWithImageData(width: w, height: h, inflated: [UInt8](repeating: 0, count: size))
        png[25] = 6  // IHDR colour type: RGBA
        png[28] = 1  // IHDR interlace method: Adam7
        let header = try ImageDecoder.header(of: png)
        #expect(header.interlaced && header.components == 4)
        let image = try ImageDecoder.decodeGray(png)
        #expect(image.width == w && image.height == h)
    }

    @Test func truncatedAndCorruptFilesAreErrors() {
        let png = TestImage.png(width: 32, height: 24, pixels: Self.square)
        let jpeg = TestImage.jpeg(width: 32, height: 24, pixels: Self.square)
        for cut in [8, 20, 33, png.count / 2, png.count - 13] {
            #expect(throws: ImageDecodeError.self) { try ImageDecoder.decodeGray(Array(png.prefix(cut))) }
        }
        for cut in [3, 20, jpeg.count / 3] {
            #expect(throws: ImageDecodeError.self) { try ImageDecoder.decodeGray(Array(jpeg.prefix(cut))) }
        }
        var garbled = png
        for i in 41..<min(garbled.count, 60) { garbled[i] ^= 0x5A }
        #expect(throws: ImageDecodeError.self) { try ImageDecoder.decodeGray(garbled) }
    }

    @Test func aHugeHeaderIsRefusedBeforeDecoding() throws {
        var png = TestImage.png(width: 32, height: 24, pixels: Self.square)
        for (i, b) in ([0, 0, 0x75, 0x30, 0, 0, 0x75, 0x30] as [UInt8]).enumerated() { png[16 + i] = b }  // 30000 x 30000
        #expect(try ImageDecoder.header(of: png).width == 30000)
        #expect(throws: ImageDecodeError.tooLarge(width: 30000, height: 30000)) { try ImageDecoder.decodeGray(png) }
        let wide = ImageLimits(maxSide: 16, maxPixels: 1 << 20)
        #expect(throws: ImageDecodeError.tooLarge(width: 32, height: 24)) {
            try ImageDecoder.decodeGray(TestImage.png(width: 32, height: 24, pixels: Self.square), limits: wide)
        }
    }

    @Test func imageDataThatInflatesPastItsHeaderHitsTheBudget() throws {
        // 64x64 gray needs 64 * 65 bytes of image data; this stream inflates to 24 MiB.
        let bomb = TestImage.pngWithImageData(width: 64, height: 64, inflated: [UInt8](repeating: 0, count: 24 << 20))
        #expect(bomb.count < 400_000, "a small upload")
        #expect(throws: ImageDecodeError.corrupt("outofmem")) { try ImageDecoder.decodeGray(bomb) }
        let fine = TestImage.pngWithImageData(width: 64, height: 64, inflated: [UInt8](repeating: 0, count: 64 * 65))
        #expect(try ImageDecoder.decodeGray(fine).pixels.count == 64 * 64)
    }
}

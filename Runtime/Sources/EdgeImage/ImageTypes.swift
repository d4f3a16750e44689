/// The formats ``ImageDecoder`` decodes, told apart by their signatures.
public enum ImageFormat: String, Sendable {
    case png
    case jpeg

    /// The format of `bytes`, or ``ImageDecodeError/unsupportedFormat`` (naming GIF and WebP, which
    /// clients send most often) or ``ImageDecodeError/empty``.
    public init(sniffing bytes: [UInt8]) throws(ImageDecodeError) {
        if bytes.isEmpty { throw .empty }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { self = .png; return }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { self = .jpeg; return }
        if bytes.starts(with: Array("GIF8".utf8)) { throw .unsupportedFormat("gif") }
        if bytes.count >= 12, bytes.starts(with: Array("RIFF".utf8)), Array(bytes[8..<12]) == Array("WEBP".utf8) {
            throw .unsupportedFormat("webp")
        }
        throw .unsupportedFormat("unknown")
    }
}

extension ImageFormat {
    /// An upper bound of the scans of a JPEG: every `FF DA` pair in the bytes. Each start-of-scan marker
    /// is such a pair (entropy-coded data escapes `FF` as `FF 00`), so no scan goes uncounted whatever
    /// the file's structure; a pair inside a metadata segment only counts one scan too many.
    public static func jpegScanBound(_ bytes: [UInt8]) -> Int {
        var count = 0
        bytes.withUnsafeBufferPointer { b in
            guard b.count >= 2 else { return }
            for i in 0..<(b.count - 1) where b[i] == 0xFF && b[i + 1] == 0xDA { count += 1 }
        }
        return count
    }
}

/// What an image header announces.
public struct ImageHeader: Sendable, Equatable {
    public let format: ImageFormat
    public let width: Int
    public let height: Int
    /// Components in the file: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA.
    public let components: Int
    public let is16Bit: Bool
    /// An Adam7-interlaced PNG.
    public let interlaced: Bool

    public init(format: ImageFormat, width: Int, height: Int, components: Int, is16Bit: Bool, interlaced: Bool = false) {
        self.format = format
        self.width = width
        self.height = height
        self.components = components
        self.is16Bit = is16Bit
        self.interlaced = interlaced
    }
}

/// An 8-bit gray image, row-major: the pixel at (x, y) is `pixels[y * width + x]`.
public struct GrayImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let pixels: [UInt8]

    /// `pixels.count` must be `width * height`.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.pixels = pixels
    }
}

/// Why bytes were not decoded. `description` is the text clients see after `invalid image payload: `.
public enum ImageDecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case unsupportedFormat(String)
    case tooLarge(width: Int, height: Int)
    case corrupt(String)

    public var description: String {
        switch self {
        case .empty: return "empty image"
        case .unsupportedFormat(let f): return "unsupported image format (\(f)); PNG and JPEG are accepted"
        case .tooLarge(let w, let h): return "image of \(w)x\(h) pixels exceeds the decode limits"
        case .corrupt(let reason): return "cannot decode image (\(reason))"
        }
    }
}

import Testing
@testable import Functions

/// Uploaded images become `data:` URLs through FoundationEssentials' base64 (Docs/Decisions/0009):
/// standard alphabet, `=` padding, no line breaks, as the hand-written encoder it replaced.
@Suite struct VLMImageBase64Tests {
    @Test func rfc4648Vectors() {
        let rows: [([UInt8], String)] = [
            ([], ""), (Array("f".utf8), "Zg=="), (Array("fo".utf8), "Zm8="), (Array("foo".utf8), "Zm9v"),
            (Array("foob".utf8), "Zm9vYg=="), (Array("fooba".utf8), "Zm9vYmE="), (Array("foobar".utf8), "Zm9vYmFy"),
            ([0xFB, 0xEF, 0xBE], "++++"), ([0xFF, 0xFF, 0xFF], "////"),
        ]
        for (bytes, text) in rows { #expect(VLMVision.base64(bytes) == text) }
    }

    @Test func everyByteValue() {
        #expect(VLMVision.base64(Array(0...255)) == "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn+AgYKDhIWGh4iJiouMjY6PkJGSk5SVlpeYmZqbnJ2en6ChoqOkpaanqKmqq6ytrq+wsbKztLW2t7i5uru8vb6/wMHCw8TFxsfIycrLzM3Oz9DR0tPU1dbX2Nna29zd3t/g4eLj5OXm5+jp6uvs7e7v8PHy8/T19vf4+fr7/P3+/w==")
    }

    /// A large body is one unbroken line (no MIME 64/76-column wrapping).
    @Test func noLineBreaks() {
        let text = VLMVision.base64([UInt8](repeating: 0xA5, count: 100_000))
        #expect(text.utf8.count == 133_336)
        #expect(!text.utf8.contains(10) && !text.utf8.contains(13))
    }
}

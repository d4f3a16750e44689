import KV
import Testing

/// What FoundationEssentials' and swift-extras-base64's decoders do differently (Docs/Decisions/0009):
/// a cursor with non-zero unused bits is not canonical, and Deno (Rust's `BASE64_URL_SAFE`) rejects it.
@Suite struct Base64URLTests {
    @Test func canonicalRejectsNonZeroUnusedBits() {
        #expect(Base64URL.decode("AQ==", canonical: true) == [1])
        #expect(Base64URL.decode("AR==", canonical: true) == nil)
        #expect(Base64URL.decode("AQI=", canonical: true) == [1, 2])
        #expect(Base64URL.decode("AQJ=", canonical: true) == nil)
        #expect(Base64URL.decode("1MhPK7-uUx==", canonical: true) == nil)  // found by bench/codecs --check
        #expect(Base64URL.decode("AR") == [1])  // kv-utils' lenient form ignores them
    }

    @Test func urlAlphabetOnly() {
        #expect(Base64URL.encode([0xFB, 0xEF, 0xBE, 0xFF, 0xFF, 0xFF]) == "----____")
        #expect(Base64URL.decode("++++") == nil)
        #expect(Base64URL.decode("////") == nil)
    }
}

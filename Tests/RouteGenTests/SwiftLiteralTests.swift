import RouteGenCore
import Testing

/// `SwiftLiteral`: any string comes out as Swift source that reads back as the same string.
@Suite struct SwiftLiteralTests {
    @Test func escapesWhatASwiftStringLiteralCannotHoldAsIs() {
        #expect(SwiftLiteral.quoted("plain/path") == #""plain/path""#)
        #expect(SwiftLiteral.quoted("a\"b\\c") == #""a\"b\\c""#)
        #expect(SwiftLiteral.quoted("l1\nl2\rl3\tl4") == #""l1\nl2\rl3\tl4""#)
        #expect(SwiftLiteral.quoted("nul\u{0}bell\u{7}del\u{7F}") == #""nul\u{0}bell\u{7}del\u{7f}""#)
        #expect(SwiftLiteral.quoted("é/日本/\\(x)") == #""é/日本/\\(x)""#)
    }
}

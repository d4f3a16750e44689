import Testing
@testable import Server

/// `TRUST_PROXY=1` takes the client address from the first `x-forwarded-for` hop only when it is an IP
/// address; anything else falls back to the TCP peer.
@Test(arguments: [
    ("203.0.113.7", "203.0.113.7"),
    (" 203.0.113.7 , 10.0.0.1", "203.0.113.7"),
    ("2001:db8::1, 10.0.0.1", "2001:db8::1"),
    ("unknown", nil),
    ("", nil),
    (",10.0.0.1", nil),
    ("1.2.3.4; drop", nil),
    (String(repeating: "1", count: 3000), nil),
    ("::ffff:1.2.3.4", "::ffff:1.2.3.4"),
] as [(String, String?)])
func forwardedForTakesOnlyAnAddress(value: String, expected: String?) {
    #expect(HTTP1Responder.firstForwardedAddress(value) == expected)
}

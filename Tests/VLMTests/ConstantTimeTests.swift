import EdgeRuntime
import HTTPTypes
import Testing

/// `ConstantTime` and `Credential` compare SHA-256 digests (correctness only; no timing tests).
@Suite struct ConstantTimeTests {
    @Test(arguments: [
        ("secret", "secret", true), ("secret", "secreT", false), ("secret", "secret ", false),
        ("secret", "secretsecret", false), ("s", "secret", false), ("", "", true), ("", "x", false), ("x", "", false),
        ("токен", "токен", true), ("токен", "токе", false), ("a\u{0}b", "a\u{0}b", true), ("a\u{0}", "a", false),
        (String(repeating: "k", count: 10_000), String(repeating: "k", count: 10_000), true),
        (String(repeating: "k", count: 10_000), String(repeating: "k", count: 9_999), false),
    ] as [(String, String, Bool)])
    func equals(a: String, b: String, expected: Bool) {
        #expect(ConstantTime.equals(a, b) == expected)
        #expect(ConstantTime.equals(b, a) == expected)
        #expect(ConstantTime.Secret(a).matches(b) == expected)
    }

    @Test func credentialAdmitsOnlyTheToken() {
        func headers(_ pairs: [(String, String)]) -> HTTPFields {
            var h = HTTPFields()
            for (n, v) in pairs { h[HTTPField.Name(n)!] = v }
            return h
        }
        let key = Credential.header("x-api-key", equals: " k3y ", whenUnset: .rejectAll, trimmed: true)
        #expect(key.admits(headers([("x-api-key", "k3y")])))
        #expect(key.admits(headers([("x-api-key", "  k3y ")])))
        #expect(!key.admits(headers([("x-api-key", "k3")])))
        #expect(!key.admits(headers([("x-api-key", "")])))
        #expect(!key.admits(headers([])))
        let bearer = Credential.bearer(equals: "tok", whenUnset: .rejectAll)
        #expect(bearer.admits(headers([("authorization", "Bearer tok")])))
        #expect(!bearer.admits(headers([("authorization", "Bearer tok2")])))
        #expect(!bearer.admits(headers([("authorization", "Bearer ")])))
        #expect(!Credential.header("x-k", equals: "", whenUnset: .rejectAll).admits(headers([("x-k", "")])), "unset fails closed")
        #expect(Credential.header("x-k", equals: nil, whenUnset: .admitAll).admits(headers([])))
        #expect(!Credential.header("x-k", equals: "exact", whenUnset: .rejectAll).admits(headers([("x-k", "EXACT")])), "case matters")
    }
}

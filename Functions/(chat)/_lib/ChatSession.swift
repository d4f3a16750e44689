import EdgeRuntime

/// The caller's session (CONTRACTS §2.2): header `x-session-id`, else cookie `cf_session_id`, else a new
/// UUID. A request without the cookie gets `cf_session_id=<id>; Path=/; HttpOnly; SameSite=Lax;
/// Max-Age=31536000` (plus `Secure` behind `x-forwarded-proto: https`) on whatever response it ends with.
enum ChatSession {
    static let cookieName = "cf_session_id"
    static let cookieMaxAge = 31_536_000

    static func resolve(_ request: Request, context: Context) -> String {
        let cookie = request.cookies[cookieName].flatMap(sane)
        let id = request.headers[.chatSessionId].flatMap(sane) ?? cookie ?? newUUID()
        if cookie == nil {
            let secure = request.headers[.chatForwardedProto]?.lowercased().hasPrefix("https") ?? false
            var value = "\(cookieName)=\(id); Path=/; HttpOnly; SameSite=Lax; Max-Age=\(cookieMaxAge)"
            if secure { value += "; Secure" }
            context.setResponseHeader(.setCookie, value)
        }
        return id
    }

    /// An id usable as a key part and a cookie value: 1...128 visible ASCII characters without `;` or `,`.
    static func sane(_ raw: String) -> String? {
        let v = raw.trimmingSpaces
        guard (1...ChatLimits.maxIdLength).contains(v.utf8.count),
              v.utf8.allSatisfy({ $0 > 32 && $0 < 127 && $0 != 59 && $0 != 44 && $0 != 34 && $0 != 92 }) else { return nil }
        return v
    }

    /// A random (version 4) UUID in lower case: two 64-bit draws (one `getrandom` each; a draw per byte
    /// cost 16 system calls and 40 strings per new session), written as 36 bytes.
    static func newUUID() -> String {
        var g = SystemRandomNumberGenerator()
        let hi: UInt64 = (g.next() & ~0xF000) | 0x4000  // version 4: the high nibble of byte 6
        let lo: UInt64 = (g.next() & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000  // variant 10: byte 8's top bits
        return String(unsafeUninitializedCapacity: 36) { out in
            var at = 0
            for nibble in 0..<32 {
                if nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20 {
                    out[at] = UInt8(ascii: "-")
                    at += 1
                }
                let word = nibble < 16 ? hi : lo
                let digit = UInt8(truncatingIfNeeded: (word >> UInt64(60 - 4 * (nibble % 16))) & 0xF)
                out[at] = digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10
                at += 1
            }
            return at
        }
    }
}

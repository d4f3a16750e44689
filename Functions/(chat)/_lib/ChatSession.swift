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

    /// A random (version 4) UUID in lower case.
    static func newUUID() -> String {
        var g = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &g) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { b in String(b, radix: 16).count == 1 ? "0" + String(b, radix: 16) : String(b, radix: 16) }
        return [hex[0..<4], hex[4..<6], hex[6..<8], hex[8..<10], hex[10..<16]].map { $0.joined() }.joined(separator: "-")
    }
}

import EdgeRuntime

/// The anonymous session (CONTRACTS §4.1): a request without `psphn_session` gets
/// `psphn_session=<random 128-bit id, hex>; Path=/; HttpOnly; SameSite=Lax` on whatever response it
/// ends with (`SameSite=None; Secure` behind `x-forwarded-proto: https`). The cookie is not re-issued
/// while the client sends it. Runs are not bound to it.
enum PersephoneSession {
    static let forwardedProto = HTTPField.Name("x-forwarded-proto")

    static func note(_ request: Request, context: Context) {
        if let v = request.cookies[PersephoneLimits.sessionCookie], !v.isEmpty { return }
        var g = SystemRandomNumberGenerator()
        let id = (0..<2).map { _ in hex64(g.next()) }.joined()
        let https = forwardedProto.flatMap { request.headers[$0] }?.lowercased().hasPrefix("https") ?? false
        let cookie = https
            ? Cookies.setCookie(PersephoneLimits.sessionCookie, id, secure: true, sameSite: "None")
            : Cookies.setCookie(PersephoneLimits.sessionCookie, id)
        context.setResponseHeader(.setCookie, cookie)
    }

    static func hex64(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}

import EdgeRuntime

/// `GET /api/tip-menu?username=&host=` (CONTRACTS §1.5): a cam model's tip menu from the first origin
/// that has one. `host` from the query must be a stripchat host (the SSRF guard); operator-configured
/// `TIP_MENU_ORIGINS` are trusted as-is. Each origin gets 5 s.
struct TipMenu: EdgeFunction {
    static let methods: HTTPMethods = [.get]
    static let defaultOrigins = ["https://stripchat.dev", "https://stripchat.com"]
    static let perOriginTimeout = Duration.seconds(5)
    static let maxMenuBytes = 2 << 20

    func handle(_ request: Request, context: Context) async throws -> Response {
        let username = (request.query["username"] ?? "").trimmingSpaces
        guard TipMenu.isValidUsername(username) else {
            throw HTTPError(.badRequest, code: "invalid_username", message: "username must be 2-64 of A-Z a-z 0-9 _ . -", error: "Invalid username")
        }
        let candidates = TipMenu.candidates(host: request.query["host"], configured: context.env["TIP_MENU_ORIGINS"])
        guard !candidates.isEmpty else {
            throw HTTPError(.badRequest, code: "no_allowed_host", message: "No allowed origin to ask for the tip menu", error: "No allowed host provided")
        }
        var firstMenu: (String, JSONValue)? = nil
        for origin in candidates {
            guard let menu = await TipMenu.fetchMenu(origin: origin, username: username, context: context) else { continue }
            if case .array(let s)? = menu["settings"], !s.isEmpty {
                return try .json(["ok": true, "source": .string(origin), "tipMenu": menu])
            }
            if firstMenu == nil { firstMenu = (origin, menu) }
        }
        if let (origin, menu) = firstMenu {
            return try .json(["ok": true, "source": .string(origin), "tipMenu": menu])
        }
        throw HTTPError(.badGateway, code: "tip_menu_unavailable", message: "No origin returned a tip menu", error: "Tip menu unavailable", extra: ["ok": false])
    }

    static func isValidUsername(_ u: String) -> Bool {
        (2...64).contains(u.utf8.count) && u.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == UInt8(ascii: "_") || b == UInt8(ascii: ".") || b == UInt8(ascii: "-")
        }
    }

    /// `host` (if it is a stripchat host), then the configured origins, then the defaults; de-duplicated.
    static func candidates(host: String?, configured: String?) -> [String] {
        var out: [String] = []
        if let h = host.flatMap(normalise), isStripchat(h) { out.append(h) }
        for o in (configured ?? "").split(separator: ",") {
            if let n = normalise(String(o)), !out.contains(n) { out.append(n) }
        }
        for d in defaultOrigins where !out.contains(d) { out.append(d) }
        return out
    }

    /// `scheme://host[:port]` from a value with or without a scheme; http and https only.
    static func normalise(_ raw: String) -> String? {
        var s = raw.trimmingSpaces
        guard !s.isEmpty else { return nil }
        var scheme = "https"
        if let r = s.firstRange(of: "://") {
            scheme = s[..<r.lowerBound].lowercased()
            s = String(s[r.upperBound...])
        }
        guard scheme == "http" || scheme == "https" else { return nil }
        let authority = s.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.isEmpty, !authority.contains("@") else { return nil }
        let parts = authority.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, let hostPart = parts.first, !hostPart.isEmpty,
              hostPart.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }), hostPart.allSatisfy(\.isASCII) else { return nil }
        if parts.count == 2 { guard let p = Int(parts[1]), (1...65535).contains(p) else { return nil } }
        return "\(scheme)://\(authority.lowercased())"
    }

    static func isStripchat(_ origin: String) -> Bool {
        guard let r = origin.firstRange(of: "://") else { return false }
        let host = origin[r.upperBound...].split(separator: ":").first.map(String.init) ?? ""
        for tld in ["com", "dev", "local"] {
            let base = "stripchat." + tld
            if host == base || host.hasSuffix("." + base) { return true }
        }
        return false
    }

    static func fetchMenu(origin: String, username: String, context: Context) async -> JSONValue? {
        let url = "\(origin)/api/front/v2/models/username/\(percentEncode(username))/cam"
        do {
            let response = try await context.fetch(FetchRequest(
                url: url, headers: ["accept": "application/json"], timeouts: FetchTimeouts(total: perOriginTimeout)))
            guard response.ok else { return nil }
            let payload = try await response.body.json(as: JSONValue.self, upTo: maxMenuBytes)
            let tipMenu = payload["cam"]?["tipMenu"] ?? payload["tipMenu"]
            guard case .object(let menu)? = tipMenu else { return nil }
            return normalise(menu: menu)
        } catch {
            context.logger.info("tip menu origin failed", metadata: ["origin": .string(origin), "error": .string("\(error)")])
            return nil
        }
    }

    static func normalise(menu: JSONObject) -> JSONValue {
        var settings: [JSONValue] = []
        for item in menu["settings"]?.arrayValue ?? [] {
            let name = (item["activity"]?.stringValue).flatMap { $0.trimmingSpaces.isEmpty ? nil : $0 }
                ?? (item["title"]?.stringValue).flatMap { $0.trimmingSpaces.isEmpty ? nil : $0 }
                ?? item["name"]?.stringValue ?? ""
            let priceValue = item["price"] ?? item["tokens"] ?? item["amount"]
            var price = priceValue?.doubleValue ?? priceValue?.stringValue.flatMap(Double.init) ?? 0
            price = price.isFinite ? Swift.max(0, price.rounded(.down)) : 0
            let trimmedName = name.trimmingSpaces
            guard !trimmedName.isEmpty, price > 0 else { continue }
            settings.append(["activity": .string(trimmedName), "price": .number(price)])
        }
        let enabled = menu["isEnabled"].map { v -> Bool in
            switch v {
            case .bool(let b): return b
            case .null: return !settings.isEmpty
            case .number(let n): return n != 0 && !n.isNaN
            case .string(let s): return !s.isEmpty
            default: return true
            }
        } ?? !settings.isEmpty
        return ["isEnabled": .bool(enabled), "settings": .array(settings), "updatedAt": .number(Double(WallClock.nowMilliseconds()))]
    }

    static func percentEncode(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            if (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D || b == 0x2E || b == 0x5F || b == 0x7E {
                out.unicodeScalars.append(Unicode.Scalar(b))
            } else {
                let hex = Array("0123456789ABCDEF")
                out += "%\(hex[Int(b >> 4)])\(hex[Int(b & 0xF)])"
            }
        }
        return out
    }
}

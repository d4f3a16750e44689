/// Build-time check of `vercel-like.json` `crons[].path`: each must resolve to a route.
public enum CronPathCheck {
    /// Extracts `crons[].path` from the config text with a minimal scan (the full config is validated by
    /// the server at start-up). Returns the errors, naming the config file.
    public static func check(configText: String, configFile: String, routes: [ScannedRoute]) -> [RouteGenError] {
        guard let paths = cronPaths(in: configText) else {
            return [RouteGenError(file: configFile, .invalidConfig("cannot read 'crons': expected an array of {\"path\", \"schedule\"} objects"))]
        }
        return paths.compactMap { path in
            RouteScanner.resolve(path, in: routes) == nil ? RouteGenError(file: configFile, .cronPathMatchesNoRoute(path: path)) : nil
        }
    }

    /// `(path, schedule)` of each `crons` entry (schedules validated by the caller), or nil if malformed.
    public static func cronEntries(in text: String) -> [(path: String, schedule: String)]? {
        var p = MiniJSON(text)
        guard case .object(let top)? = p.parse() else { return nil }
        guard let crons = top["crons"] else { return [] }
        guard case .array(let items) = crons else { return nil }
        var out: [(String, String)] = []
        for item in items {
            guard case .object(let o) = item, case .string(let path)? = o["path"], case .string(let schedule)? = o["schedule"] else { return nil }
            out.append((path, schedule))
        }
        return out
    }

    /// The `"path"` strings inside the top-level `"crons"` array, or nil if it is malformed. Empty when absent.
    static func cronPaths(in text: String) -> [String]? {
        var p = MiniJSON(text)
        guard let value = p.parse() else { return nil }
        guard case .object(let top) = value else { return nil }
        guard let crons = top["crons"] else { return [] }
        guard case .array(let items) = crons else { return nil }
        var out: [String] = []
        for item in items {
            guard case .object(let o) = item, case .string(let path)? = o["path"] else { return nil }
            out.append(path)
        }
        return out
    }
}

/// A tiny JSON reader for the build tool (no Foundation in the plugin's tool).
enum MiniJSONValue { case string(String), number, bool, null, array([MiniJSONValue]), object([String: MiniJSONValue]) }

struct MiniJSON {
    let bytes: [UInt8]
    var i = 0
    init(_ text: String) { bytes = Array(text.utf8) }

    mutating func parse() -> MiniJSONValue? {
        let v = value()
        skip()
        return i == bytes.count ? v : nil
    }

    mutating func skip() { while i < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[i]) { i += 1 } }

    mutating func value() -> MiniJSONValue? {
        skip()
        guard i < bytes.count else { return nil }
        switch bytes[i] {
        case UInt8(ascii: "{"):
            i += 1
            var o: [String: MiniJSONValue] = [:]
            skip()
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(o) }
            while true {
                skip()
                guard case .string(let k)? = string() else { return nil }
                skip()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
                i += 1
                guard let v = value() else { return nil }
                o[k] = v
                skip()
                guard i < bytes.count else { return nil }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(o) }
                return nil
            }
        case UInt8(ascii: "["):
            i += 1
            var a: [MiniJSONValue] = []
            skip()
            if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(a) }
            while true {
                guard let v = value() else { return nil }
                a.append(v)
                skip()
                guard i < bytes.count else { return nil }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(a) }
                return nil
            }
        case UInt8(ascii: "\""): return string()
        case UInt8(ascii: "t"): return literal("true", .bool)
        case UInt8(ascii: "f"): return literal("false", .bool)
        case UInt8(ascii: "n"): return literal("null", .null)
        default:
            let start = i
            while i < bytes.count, "+-0123456789.eE".utf8.contains(bytes[i]) { i += 1 }
            return i > start ? .number : nil
        }
    }

    mutating func literal(_ word: String, _ v: MiniJSONValue) -> MiniJSONValue? {
        let w = Array(word.utf8)
        guard i + w.count <= bytes.count, Array(bytes[i..<(i + w.count)]) == w else { return nil }
        i += w.count
        return v
    }

    mutating func string() -> MiniJSONValue? {
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return nil }
        i += 1
        var out: [UInt8] = []
        while i < bytes.count {
            let b = bytes[i]
            i += 1
            if b == UInt8(ascii: "\"") { return .string(String(decoding: out, as: UTF8.self)) }
            if b == UInt8(ascii: "\\") {
                guard i < bytes.count else { return nil }
                let e = bytes[i]
                i += 1
                switch e {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "u"):
                    guard i + 4 <= bytes.count, let code = UInt32(String(decoding: bytes[i..<(i + 4)], as: UTF8.self), radix: 16) else { return nil }
                    i += 4
                    out.append(contentsOf: Array(String(Unicode.Scalar(code) ?? "?").utf8))
                default: out.append(e)
                }
            } else {
                out.append(b)
            }
        }
        return nil
    }
}

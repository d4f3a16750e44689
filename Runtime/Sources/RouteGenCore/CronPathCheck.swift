import EdgeJSON

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
        guard let items = crons(in: text) else { return nil }
        var out: [(String, String)] = []
        for item in items {
            guard case .string(let path)? = item["path"], case .string(let schedule)? = item["schedule"] else { return nil }
            out.append((path, schedule))
        }
        return out
    }

    /// The `"path"` strings inside the top-level `"crons"` array, or nil if it is malformed. Empty when absent.
    static func cronPaths(in text: String) -> [String]? {
        guard let items = crons(in: text) else { return nil }
        var out: [String] = []
        for item in items {
            guard case .string(let path)? = item["path"] else { return nil }
            out.append(path)
        }
        return out
    }

    /// The `crons` array's items ([] when absent), or nil when the text or the array is malformed.
    private static func crons(in text: String) -> [JSONValue]? {
        guard case .object(let top)? = try? JSONValue.parse(text) else { return nil }
        guard let crons = top["crons"] else { return [] }
        return crons.arrayValue
    }
}

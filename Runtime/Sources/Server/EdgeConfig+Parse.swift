import EdgeRuntime
import Cron

extension EdgeConfig {
    /// Parses and validates the config text. An empty or missing file is an empty config.
    public static func parse(_ bytes: [UInt8]) throws(ConfigError) -> EdgeConfig {
        if bytes.allSatisfy({ [0x20, 0x0A, 0x0D, 0x09].contains($0) }) { return EdgeConfig() }
        let root: JSONValue
        do { root = try JSON.decode(JSONValue.self, from: bytes) } catch {
            throw ConfigError(path: "$", message: "not valid JSON (\((error as? HTTPError)?.message ?? "\(error)"))")
        }
        guard case .object(let top) = root else { throw ConfigError(path: "$", message: "expected an object") }
        var c = EdgeConfig()
        let known: Set<String> = ["$schema", "cleanUrls", "trailingSlash", "redirects", "rewrites", "headers", "crons", "functions", "kv"]
        for key in top.keys.sorted() where !known.contains(key) {
            throw ConfigError(path: "$.\(key)", message: "unknown key (allowed: \(known.sorted().joined(separator: ", ")))")
        }
        if let v = top["cleanUrls"] { c.cleanUrls = try bool(v, "$.cleanUrls") }
        if let v = top["trailingSlash"] { c.trailingSlash = try bool(v, "$.trailingSlash") }
        for (i, item) in try array(top["redirects"], "$.redirects", max: 2048).enumerated() {
            c.redirects.append(try redirect(item, "$.redirects[\(i)]"))
        }
        for (i, item) in try array(top["rewrites"], "$.rewrites", max: 2048).enumerated() {
            c.rewrites.append(try rewrite(item, "$.rewrites[\(i)]"))
        }
        for (i, item) in try array(top["headers"], "$.headers", max: 2048).enumerated() {
            c.headers.append(try headerRule(item, "$.headers[\(i)]"))
        }
        for (i, item) in try array(top["crons"], "$.crons", max: 100).enumerated() {
            let p = "$.crons[\(i)]"
            let o = try object(item, p, allowed: ["path", "schedule", "backoffSchedule"])
            let path = try string(o["path"], "\(p).path", required: true)!
            guard path.hasPrefix("/"), path.utf8.count <= 512 else { throw ConfigError(path: "\(p).path", message: "must start with '/' and be at most 512 characters") }
            let schedule = try string(o["schedule"], "\(p).schedule", required: true)!
            do { _ = try CronExpression(parsing: schedule) } catch {
                throw ConfigError(path: "\(p).schedule", message: error.description)
            }
            var backoff: [Int]? = nil
            if let b = o["backoffSchedule"] {
                guard let items = b.arrayValue, items.allSatisfy({ $0.intValue != nil }) else {
                    throw ConfigError(path: "\(p).backoffSchedule", message: "expected an array of delays in milliseconds")
                }
                backoff = items.map { $0.intValue! }
            }
            c.crons.append(CronEntry(path: path, schedule: schedule, backoffSchedule: backoff))
        }
        do {
            _ = try CronRuntime.jobs(c)
        } catch {
            throw ConfigError(path: "$.crons", message: error.description)
        }
        if let f = top["functions"] {
            guard case .object(let fo) = f else { throw ConfigError(path: "$.functions", message: "expected an object keyed by globs") }
            for glob in fo.keys.sorted() {
                let p = "$.functions[\"\(glob)\"]"
                guard !glob.hasPrefix("/"), glob.count <= 256 else { throw ConfigError(path: p, message: "globs are relative to the project root (no leading '/'), at most 256 characters") }
                let o = try object(fo[glob]!, p, allowed: ["maxDuration", "maxRequestBodySize"])
                var limits = FunctionLimits(glob: glob)
                if let d = o["maxDuration"] {
                    guard let n = d.intValue, (1...EdgeLimits.maxConfigurableDuration).contains(n) else {
                        throw ConfigError(path: "\(p).maxDuration", message: "must be an integer from 1 to \(EdgeLimits.maxConfigurableDuration) (seconds)")
                    }
                    limits.maxDuration = n
                }
                if let s = o["maxRequestBodySize"] {
                    guard let n = s.intValue, (0...EdgeLimits.maxConfigurableRequestBodySize).contains(n) else {
                        throw ConfigError(path: "\(p).maxRequestBodySize", message: "must be a byte count from 0 to \(EdgeLimits.maxConfigurableRequestBodySize)")
                    }
                    limits.maxRequestBodySize = n
                }
                c.functions.append(limits)
            }
        }
        if let kv = top["kv"] {
            let o = try object(kv, "$.kv", allowed: ["path"])
            c.kvPath = try string(o["path"], "$.kv.path", required: false)
        }
        return c
    }

    private static func bool(_ v: JSONValue, _ path: String) throws(ConfigError) -> Bool {
        guard let b = v.boolValue else { throw ConfigError(path: path, message: "expected true or false") }
        return b
    }

    private static func array(_ v: JSONValue?, _ path: String, max: Int) throws(ConfigError) -> [JSONValue] {
        guard let v else { return [] }
        guard let a = v.arrayValue else { throw ConfigError(path: path, message: "expected an array") }
        guard a.count <= max else { throw ConfigError(path: path, message: "at most \(max) entries") }
        return a
    }

    private static func object(_ v: JSONValue, _ path: String, allowed: Set<String>) throws(ConfigError) -> [String: JSONValue] {
        guard let o = v.objectValue else { throw ConfigError(path: path, message: "expected an object") }
        for k in o.keys.sorted() where !allowed.contains(k) {
            throw ConfigError(path: "\(path).\(k)", message: "unknown key (allowed: \(allowed.sorted().joined(separator: ", ")))")
        }
        return o.dictionary
    }

    private static func string(_ v: JSONValue?, _ path: String, required: Bool) throws(ConfigError) -> String? {
        guard let v else {
            if required { throw ConfigError(path: path, message: "required") }
            return nil
        }
        guard let s = v.stringValue else { throw ConfigError(path: path, message: "expected a string") }
        return s
    }

    private static func pattern(_ v: JSONValue?, _ path: String) throws(ConfigError) -> PathPattern {
        let s = try string(v, path, required: true)!
        guard s.hasPrefix("/") else { throw ConfigError(path: path, message: "must start with '/'") }
        do { return try PathPattern(s) } catch { throw ConfigError(path: path, message: error.message) }
    }

    private static func conditions(_ v: JSONValue?, _ path: String) throws(ConfigError) -> [Condition] {
        var out: [Condition] = []
        for (i, item) in try array(v, path, max: 16).enumerated() {
            let p = "\(path)[\(i)]"
            let o = try object(item, p, allowed: ["type", "key", "value"])
            let t = try string(o["type"], "\(p).type", required: true)!
            guard let kind = Condition.Kind(rawValue: t) else { throw ConfigError(path: "\(p).type", message: "must be header, cookie, query or host") }
            let key = try string(o["key"], "\(p).key", required: kind != .host)
            let valueSource = try string(o["value"], "\(p).value", required: kind == .host)
            var regex: Regex<AnyRegexOutput>? = nil
            if let valueSource {
                do { regex = try Regex("^(?:\(valueSource))$") } catch {
                    throw ConfigError(path: "\(p).value", message: "invalid regular expression: \(error)")
                }
            }
            out.append(Condition(kind: kind, key: kind == .header ? key?.lowercased() : key, value: regex))
        }
        return out
    }

    private static func redirect(_ v: JSONValue, _ p: String) throws(ConfigError) -> Redirect {
        let o = try object(v, p, allowed: ["source", "destination", "permanent", "statusCode", "has", "missing"])
        let source = try pattern(o["source"], "\(p).source")
        let dest = try string(o["destination"], "\(p).destination", required: true)!
        var status = 308
        if let perm = o["permanent"] { status = try bool(perm, "\(p).permanent") ? 308 : 307 }
        if let sc = o["statusCode"] {
            guard o["permanent"] == nil else { throw ConfigError(path: "\(p).statusCode", message: "use either permanent or statusCode") }
            guard let n = sc.intValue, [301, 302, 303, 307, 308].contains(n) else {
                throw ConfigError(path: "\(p).statusCode", message: "must be 301, 302, 303, 307 or 308")
            }
            status = n
        }
        return Redirect(source: source, destination: dest, status: status,
                        has: try conditions(o["has"], "\(p).has"), missing: try conditions(o["missing"], "\(p).missing"))
    }

    private static func rewrite(_ v: JSONValue, _ p: String) throws(ConfigError) -> Rewrite {
        let o = try object(v, p, allowed: ["source", "destination", "has", "missing"])
        let source = try pattern(o["source"], "\(p).source")
        let dest = try string(o["destination"], "\(p).destination", required: true)!
        if ExternalRewrite.isExternal(dest) {
            if let problem = ExternalRewrite.problem(destination: dest) { throw ConfigError(path: "\(p).destination", message: problem) }
        } else if !dest.hasPrefix("/") {
            throw ConfigError(path: "\(p).destination", message: "must be a path starting with '/' or an http:// or https:// URL")
        }
        return Rewrite(source: source, destination: dest,
                       has: try conditions(o["has"], "\(p).has"), missing: try conditions(o["missing"], "\(p).missing"))
    }

    private static func headerRule(_ v: JSONValue, _ p: String) throws(ConfigError) -> HeaderRule {
        let o = try object(v, p, allowed: ["source", "headers", "has", "missing"])
        let source = try pattern(o["source"], "\(p).source")
        var hs: [(String, String)] = []
        for (i, h) in try array(o["headers"], "\(p).headers", max: 1024).enumerated() {
            let ho = try object(h, "\(p).headers[\(i)]", allowed: ["key", "value"])
            let k = try string(ho["key"], "\(p).headers[\(i)].key", required: true)!
            let val = try string(ho["value"], "\(p).headers[\(i)].value", required: true)!
            guard HTTPField.Name(k) != nil else { throw ConfigError(path: "\(p).headers[\(i)].key", message: "not a valid header name") }
            hs.append((k, val))
        }
        guard !hs.isEmpty else { throw ConfigError(path: "\(p).headers", message: "at least one header") }
        return HeaderRule(source: source, headers: hs,
                          has: try conditions(o["has"], "\(p).has"), missing: try conditions(o["missing"], "\(p).missing"))
    }
}

/// Turns the list of Swift files under `Functions/` into routes, enforcing the conventions:
///
/// 1. A folder is a route; the one `.swift` file in it is named after its handler type.
///    `Functions/Home.swift` serves `/`.
/// 2. `(group)` folders do not change the URL; `_`-prefixed and `.`-prefixed folders hold shared code
///    and are never routes.
/// 3. Errors (all reported, each naming the files involved): malformed bracket folders, two route folders
///    normalising to one pattern, a parameter name repeated in one path, a catch-all that is not last,
///    two handler files in one folder, an optional catch-all that shadows its parent route, a file not
///    named like a Swift type (a Vercel-style `api/bye.swift`, `index.swift`, `[id].swift`).
public enum RouteScanner {
    /// - Parameters:
    ///   - files: paths relative to the `Functions` folder (`(vlm)/healthz/Healthz.swift`).
    ///   - root: the folder's name relative to the project root, used in file paths (`Functions`).
    public static func scan(files: [String], root: String = "Functions") -> (routes: [ScannedRoute], errors: [RouteGenError]) {
        var errors: [RouteGenError] = []
        var byFolder: [String: String] = [:]  // folder -> first file
        var routes: [ScannedRoute] = []

        for rel in files.sorted() where rel.hasSuffix(".swift") {
            var parts = rel.split(separator: "/").map(String.init)
            let fileName = parts.removeLast()
            if parts.contains(where: { $0.hasPrefix("_") || $0.hasPrefix(".") }) { continue }
            let file = root + "/" + rel
            let folder = parts.joined(separator: "/")
            let baseName = String(fileName.dropLast(".swift".count))
            if let suggestion = HandlerFileName.vercelStyleSuggestion(baseName, folder: parts.isEmpty ? root : root + "/" + folder) {
                errors.append(RouteGenError(file: file, line: 1, .vercelStyleFileName(suggestion: suggestion.path, typeName: suggestion.typeName)))
                continue
            }
            if let other = byFolder[folder] {
                errors.append(RouteGenError(file: file, .multipleHandlerFiles(other: other)))
                continue
            }
            byFolder[folder] = file

            var segments: [RouteSegment] = []
            var failed = false
            for (i, name) in parts.enumerated() {
                do {
                    guard let seg = try RouteSegment.parse(folder: name) else { continue }
                    if seg.isCatchAll && i != parts.count - 1 && parts[(i + 1)...].contains(where: { !($0.hasPrefix("(") && $0.hasSuffix(")")) }) {
                        errors.append(RouteGenError(file: file, .catchAllNotLast(name)))
                        failed = true
                    }
                    segments.append(seg)
                } catch {
                    errors.append(RouteGenError(file: file, error))
                    failed = true
                }
            }
            if failed { continue }
            var seen = Set<String>()
            for n in segments.compactMap(\.parameterName) where !seen.insert(n).inserted {
                errors.append(RouteGenError(file: file, .repeatedParameter(n)))
                failed = true
            }
            if failed { continue }
            let typeName = String(fileName.dropLast(".swift".count))
            routes.append(ScannedRoute(pattern: RoutePattern(segments: segments), file: file, typeName: typeName))
        }

        // Collisions: equal shapes, and optional catch-alls that also match their parent path.
        var byShape: [String: ScannedRoute] = [:]
        for r in routes {
            if let other = byShape[r.pattern.shape] {
                errors.append(RouteGenError(file: r.file, .duplicatePattern(pattern: r.pattern.description, other: other.file)))
            } else {
                byShape[r.pattern.shape] = r
            }
        }
        for r in routes {
            guard case .optionalCatchAll = r.pattern.segments.last else { continue }
            let parent = RoutePattern(segments: Array(r.pattern.segments.dropLast()))
            if let other = byShape[parent.shape] {
                errors.append(RouteGenError(file: r.file, .optionalCatchAllShadowsRoute(pattern: r.pattern.description, other: other.file)))
            }
        }
        routes.sort { $0.pattern.precedes($1.pattern) }
        return (routes, errors)
    }

    /// The route a concrete path (e.g. a cron path) resolves to, by precedence.
    public static func resolve(_ path: String, in routes: [ScannedRoute]) -> ScannedRoute? {
        let noQuery = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let segs = noQuery.split(separator: "/", omittingEmptySubsequences: true)
        return routes.sorted { $0.pattern.precedes($1.pattern) }.first { $0.pattern.match(segs) != nil }
    }
}

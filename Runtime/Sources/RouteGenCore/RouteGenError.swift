/// A build-time routing error. `description` is what the build prints: it names every file involved,
/// as `path: error: message`, so editors and CI logs jump to the file to fix.
public struct RouteGenError: Error, CustomStringConvertible, Equatable {
    public enum Reason: Error, Equatable {
        case malformedSegment(String)
        case duplicatePattern(pattern: String, other: String)
        case repeatedParameter(String)
        case catchAllNotLast(String)
        case multipleHandlerFiles(other: String)
        case optionalCatchAllShadowsRoute(pattern: String, other: String)
        case cronPathMatchesNoRoute(path: String)
        case invalidConfig(String)
        case misplacedApp
        case multipleAppFiles(other: String)
        /// A file named like a Vercel route (`api/bye.swift`, `index.swift`, `[id].swift`) rather than after its type.
        case vercelStyleFileName(suggestion: String, typeName: String?)
        /// The handler file declares no type named after it; `found` is the handler-looking type it declares, if any.
        case handlerTypeNotDeclared(typeName: String, found: String?)
        /// The handler type is declared but nothing makes it an `EdgeFunction`.
        case missingEdgeFunctionConformance(typeName: String, kind: String)
    }

    public let file: String
    /// The line the message points at, when one is known (printed as `file:line:`).
    public let line: Int?
    public let reason: Reason

    public init(file: String, line: Int? = nil, _ reason: Reason) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    /// `file` or `file:line`, the way compilers print a location.
    var location: String { line.map { "\(file):\($0)" } ?? file }

    public var description: String {
        switch reason {
        case .malformedSegment(let folder):
            return "\(file): error: malformed route folder '\(folder)': use name, [param], [...rest] or [[...rest]] (parameter names are letters, digits and _)"
        case .duplicatePattern(let pattern, let other):
            return "\(file): error: route \(pattern) conflicts with \(other): both normalise to the same pattern; rename or merge one of them"
        case .repeatedParameter(let name):
            return "\(file): error: parameter '\(name)' appears twice in one route path"
        case .catchAllNotLast(let folder):
            return "\(file): error: catch-all segment '\(folder)' must be the last segment of the route"
        case .multipleHandlerFiles(let other):
            return "\(file): error: a route folder holds exactly one handler file, but \(other) is in the same folder; move shared code to a '_'-prefixed folder"
        case .optionalCatchAllShadowsRoute(let pattern, let other):
            return "\(file): error: optional catch-all \(pattern) also matches the route of \(other); remove one of them"
        case .cronPathMatchesNoRoute(let path):
            return "\(file): error: cron path '\(path)' matches no route under Functions/"
        case .invalidConfig(let message):
            return "\(file): error: \(message)"
        case .misplacedApp:
            return "\(file): error: an app is declared in (group)/_app/<Type>.swift at the top of Functions/, one file per group"
        case .multipleAppFiles(let other):
            return "\(file): error: the group already declares its app in \(other); a group has one app declaration"
        case .vercelStyleFileName(let suggestion, let typeName):
            let type = typeName.map { " declaring `struct \($0): EdgeFunction`" } ?? ", named after the handler type it declares"
            return "\(location): error: '\(file.split(separator: "/").last ?? "")' is a Vercel-style file name, but here a folder is the route and its one file is named after its handler type: move it to \(suggestion)\(type)"
        case .handlerTypeNotDeclared(let typeName, let found?):
            return "\(location): error: the handler file declares '\(found)', not '\(typeName)': a handler file is named after its type; rename the type to '\(typeName)' or the file to '\(found).swift'"
        case .handlerTypeNotDeclared(let typeName, nil):
            return "\(location): error: no type named '\(typeName)' in its handler file: a handler file is named after its type; declare `struct \(typeName): EdgeFunction` in it, or move shared code to a '_'-prefixed folder"
        case .missingEdgeFunctionConformance(let typeName, let kind):
            return "\(location): error: '\(typeName)' is not an EdgeFunction: declare it `\(kind) \(typeName): EdgeFunction` (with `func handle(_ request: Request, context: Context) async throws -> Response`)"
        }
    }
}

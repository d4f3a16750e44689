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
    }

    public let file: String
    public let reason: Reason

    public init(file: String, _ reason: Reason) {
        self.file = file
        self.reason = reason
    }

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
        }
    }
}

import EdgeRuntime
import RouteGenCore

/// How a project made by `edge init` depends on swift-edge: by URL and version (what users publish), or
/// by path (a local checkout: for trying a checkout, and for this repository's own `make test`).
public enum ProjectDependency: Sendable, Equatable {
    case url(String, from: String)
    case path(String)

    /// swift-edge as published: this URL, this version or newer.
    public static let published = ProjectDependency.url(ProjectDependency.publishedURL, from: RuntimeInfo.version)
    /// Where swift-edge is published.
    public static let publishedURL = "https://github.com/swift-edge/swift-edge.git"

    /// The line in the project's `dependencies:`.
    var manifestLine: String {
        switch self {
        case .url(let url, let version): return ".package(url: \(Self.literal(url)), from: \(Self.literal(version)))"
        case .path(let path): return ".package(path: \(Self.literal(path)))"
        }
    }

    /// The package identity `.product(name:package:)` names: the URL's or the folder's last component
    /// without `.git`, lowercased (SwiftPM's rule).
    var identity: String {
        let raw: String
        switch self {
        case .url(let url, _): raw = url
        case .path(let path): raw = path
        }
        var last = raw.split(separator: "/").last.map(String.init) ?? raw
        if last.hasSuffix(".git") { last = String(last.dropLast(4)) }
        return last.lowercased()
    }

    static func literal(_ s: String) -> String { SwiftLiteral.quoted(s) }
}

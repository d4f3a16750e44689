import ArgumentParser

#if canImport(Glibc)
import Glibc
#endif

/// `edge init DIR`: a new project that depends on swift-edge, with its own `Functions/`, tests and the
/// same two commands as this repository (`make dev`, `make test`).
struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a new swift-edge project in DIR (make dev, make test).",
        discussion: """
        Writes Package.swift (depending on swift-edge by URL and version, or on a local checkout with --edge-path), Functions/hello/Hello.swift, a test using EdgeTesting, vercel-like.json, .env.example, Dockerfile, .gitignore, a Makefile and a README. DIR must not exist or be empty; no file is overwritten. --template adds a worked example: kv (a counter in the KV store), cron (a scheduled function), sse (a server-sent event stream); repeat it for several.
        """
    )

    @Argument(help: ArgumentHelp("The new project's folder (its last component names the package).", valueName: "dir"))
    var directory: String

    @Option(name: .long, help: ArgumentHelp("Add a worked example: kv, cron or sse (repeatable).", valueName: "name"))
    var template: [String] = []

    @Option(name: .customLong("edge-path"), help: ArgumentHelp("Depend on the swift-edge checkout at this path instead of the published version.", valueName: "path"))
    var edgePath: String?

    func validate() throws {
        if directory.isEmpty { throw ValidationError("init needs a folder: edge init DIR") }
        for name in template where ProjectExample(rawValue: name) == nil {
            throw ValidationError("unknown template '\(name)': use \(ProjectExample.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let edgePath, edgePath.isEmpty { throw ValidationError("--edge-path needs a folder") }
    }

    func run() throws {
        var dependency = ProjectDependency.published
        if let edgePath {
            let path = Self.absolute(edgePath)
            guard access(path + "/Package.swift", R_OK) == 0 else {
                throw ConfigurationError("--edge-path \(edgePath): no Package.swift there; point it at a swift-edge checkout")
            }
            dependency = .path(path)
        }
        let directory = Self.absolute(self.directory)
        let name = directory.split(separator: "/").last.map(String.init) ?? "app"
        let examples = template.compactMap(ProjectExample.init(rawValue:))
        let scaffold = ProjectScaffold(directory: directory, files: ProjectTemplate.files(name: name, dependency: dependency, examples: examples))
        let written: [String]
        do { written = try scaffold.write() } catch { throw ConfigurationError(error.description) }
        print("Created \(self.directory): \(written.count) files")
        for path in written { print("  \(path)") }
        print("\nNext:\n  cd \(self.directory)\n  make dev    # http://localhost:8000/hello\n  make test")
    }

    /// `path` made absolute against the current directory, without trailing slashes.
    static func absolute(_ path: String) -> String {
        var full = path
        if !path.hasPrefix("/") {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let cwd = getcwd(&buffer, buffer.count) != nil ? String(decoding: buffer.prefix(while: { $0 != 0 }).map(UInt8.init(bitPattern:)), as: UTF8.self) : "."
            full = path == "." ? cwd : cwd + "/" + (path.hasPrefix("./") ? String(path.dropFirst(2)) : path)
        }
        while full.count > 1 && full.hasSuffix("/") { full.removeLast() }
        return full
    }
}
